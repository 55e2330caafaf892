import { ROUTES, fillPath, type RouteName, type RouteResponse, type Routes } from '@twofold/protocol';
import { Hono } from 'hono';
import type { JSONParsed } from 'hono/utils/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { auditRoutes } from '../../src/audit/routes.js';
import type { codesRoutes } from '../../src/codes/routes.js';
import type { deviceKeysRoutes } from '../../src/devicekeys/routes.js';
import type { devicesRoutes } from '../../src/devices/routes.js';
import type { faceRoutes } from '../../src/face/routes.js';
import type { passkeysRoutes } from '../../src/passkeys/routes.js';
import type { pinsRoutes } from '../../src/pins/routes.js';
import type { recoveryRoutes } from '../../src/recovery/routes.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { sessionsRoutes } from '../../src/sessions/routes.js';
import type { transactionsRoutes } from '../../src/transactions/routes.js';
import type { usersRoutes } from '../../src/users/routes.js';
import { createTestApp } from '../helpers/app.js';

/**
 * The server's routes against the route table of `@twofold/protocol` (`ROUTES`), which types the
 * browser client's calls: a route renamed, moved or re-methoded on either side fails here.
 *
 * 1. The routes the built Hono app of `createHandler` registers — read from the app itself
 *    (`app.routes`, Hono's list of every method + path it was given), not from a list kept here —
 *    are compared with the table both ways.
 * 2. Every table route, requested through the real handler, reaches a route (it is not answered
 *    with the handler's "No route for" 404 or a 405).
 * 3. At compile time (`pnpm typecheck`): the JSON each module's handler returns, as Hono infers
 *    it, is the table's response type, and 201 routes are the ones the table says.
 */

/**
 * Server routes that are deliberately not in the table, each with why. Empty today: every route
 * of the API handler is in the table. Not routes of the handler's app, hence not listed:
 * `GET /healthz` (served by `twofold serve` outside the API's base path: an operator's probe, not
 * API) and the host-root alias of `GET /.well-known/webauthn` (the handler rewrites it to the
 * table's `passkeys.getRelatedOrigins` before routing). A test-only route would go here.
 */
const NOT_IN_TABLE: readonly { method: string; path: string; why: string }[] = [];

const BASE = '/api/v1';
const key = (method: string, path: string) => `${method} ${path}`;

/** The method + path of every route the handler's Hono app registers, relative to the base path. */
function registeredRoutes(build: () => unknown): string[] {
  // The handler keeps its app to itself: catch it as it mounts the module routes (`app.route`).
  // The routes list is shared by an app and its `basePath` clones, so the one caught lists all.
  const apps = new Set<Hono>();
  // `route` lives on Hono's base class: patch it where it is defined, and put it back.
  let owner: object | null = Hono.prototype;
  while (owner && !Object.hasOwn(owner, 'route')) owner = Object.getPrototypeOf(owner);
  if (!owner) throw new Error('Hono has no route() method any more: update this test');
  const methods = owner as { route: (this: Hono, ...args: unknown[]) => Hono };
  const original = methods.route;
  methods.route = function (this: Hono, ...args: unknown[]) {
    apps.add(this);
    return original.apply(this, args);
  };
  try {
    build();
  } finally {
    methods.route = original;
  }
  expect(apps.size, 'the handler mounts its module routes with app.route()').toBeGreaterThan(0);
  const seen = new Set<string>();
  for (const app of apps) {
    for (const r of app.routes) {
      if (r.method === 'ALL') continue; // middleware (`app.use`): not a route
      expect(r.path.startsWith(`${BASE}/`), `${r.method} ${r.path} is under ${BASE}`).toBe(true);
      seen.add(key(r.method, r.path.slice(BASE.length)));
    }
  }
  return [...seen].sort();
}

const tableRoutes = Object.values(ROUTES)
  .map((r) => key(r.method, r.path))
  .sort();

let store: Awaited<ReturnType<typeof createPGliteStore>>;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  store = await createPGliteStore();
  app = createTestApp(store, { onError: () => {} });
});
afterAll(async () => {
  await store?.close();
});

describe('the route table and the server', () => {
  it('has one entry per method and path', () => {
    expect(new Set(tableRoutes).size).toBe(tableRoutes.length);
  });

  it('registers exactly the table’s routes (both ways), apart from the documented exceptions', () => {
    const server = registeredRoutes(() => createTestApp(store).twofold.handler);
    const exceptions = NOT_IN_TABLE.map((e) => key(e.method, e.path));
    for (const e of exceptions) expect(server, `exception ${e} still exists on the server`).toContain(e);
    const missingOnServer = tableRoutes.filter((r) => !server.includes(r));
    const missingInTable = server.filter((r) => !tableRoutes.includes(r) && !exceptions.includes(r));
    expect({ missingOnServer, missingInTable }).toEqual({ missingOnServer: [], missingInTable: [] });
    expect(server.length).toBe(tableRoutes.length + exceptions.length);
  });

  it('answers GET /.well-known/jwks.json with keys of the table’s Jwk shape (typed wider on the server)', async () => {
    const res = await app.call(ROUTES['tokens.getJwks'].method, ROUTES['tokens.getJwks'].path);
    const body = res.json as RouteResponse<'tokens.getJwks'>;
    expect(res.status).toBe(200);
    expect(body.keys.length).toBeGreaterThan(0);
    for (const k of body.keys) {
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(k).toMatchObject({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.any(String),
        x: expect.any(String),
        y: expect.any(String),
      });
    }
  });

  it.each(Object.entries(ROUTES).map(([name, r]) => [name, r.method, r.path] as const))(
    '%s (%s %s) reaches a route of the real handler',
    async (name, method) => {
      const route = ROUTES[name as RouteName];
      const params = Object.fromEntries([...route.path.matchAll(/:(\w+)/g)].map(([, p]) => [p, p === 'type' ? 'short' : `x-${p}`]));
      const res = await app.call(method, fillPath(route.path, params));
      expect(res.json?.detail ?? '', `${method} ${route.path}`).not.toMatch(/^No route for /);
      expect(res.status).not.toBe(405);
    },
  );
});

// -------------------------------------------------------------------------------------------
// Compile time: the JSON the server's handlers return is the table's response type.

type ModuleApps = ReturnType<
  | typeof sessionsRoutes
  | typeof usersRoutes
  | typeof codesRoutes
  | typeof passkeysRoutes
  | typeof devicesRoutes
  | typeof deviceKeysRoutes
  | typeof pinsRoutes
  | typeof faceRoutes
  | typeof recoveryRoutes
  | typeof transactionsRoutes
  | typeof auditRoutes
>;
/** What Hono inferred for `method path` across the module apps (their schemas). */
type ServerEndpoint<M extends string, P extends string> = ModuleApps extends infer A
  ? A extends Hono<any, infer S, any>
    ? P extends keyof S
      ? `$${Lowercase<M>}` extends keyof S[P]
        ? S[P][`$${Lowercase<M>}`]
        : never
      : never
    : never
  : never;
type Endpoint<K extends RouteName> = ServerEndpoint<Routes[K]['method'], Routes[K]['path']>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** True when the server's JSON answer of `K` is the table's response (as JSON), or `K` answers 204. */
type ResponseAgrees<K extends RouteName> = [Endpoint<K>] extends [never]
  ? false // not a typed route of any module app
  : Routes[K]['status'] extends 204
    ? true
    : Same<Extract<Endpoint<K>, { outputFormat: 'json' }>['output'], JSONParsed<RouteResponse<K>>>;
/** True when the server answers 201 exactly where the table says 201. */
type StatusAgrees<K extends RouteName> = Same<
  Routes[K]['status'] extends 201 ? true : false,
  Endpoint<K>['status'] extends 201 ? true : false
>;

/**
 * Routes whose server handler is typed wider than the table, each checked at runtime instead:
 * - `tokens.getJwks`: the keys are jose's `JWK` (every member an optional string) where the wire
 *   promises `Jwk` (`kty: "EC"`, `crv: "P-256"`, ...): the test above reads the real answer.
 */
type TypedWiderOnServer = 'tokens.getJwks';
/** The routes whose server response type or 201 status disagrees with the table (must be none). */
type Disagreeing = {
  [K in RouteName]: K extends TypedWiderOnServer
    ? ResponseAgrees<K> extends true
      ? K // agrees now: take it off the list
      : never
    : ResponseAgrees<K> extends true
      ? StatusAgrees<K> extends true
        ? never
        : K
      : K;
}[RouteName];
const disagreeing: [Disagreeing] extends [never] ? true : { disagree: Disagreeing } = true;
void disagreeing;
