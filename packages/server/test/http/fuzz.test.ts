import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import pg from 'pg';
import { ROUTES as PROTOCOL_ROUTES, SCOPES } from '@twofold/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import { createPostgresStore } from '../../src/storage/postgres.js';
import type { Store } from '../../src/store.js';
import { createTestApp, signUp } from '../helpers/app.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../helpers/postgres.js';

/**
 * Property-based malformed input over every route (issue 13 item 11): whatever the body, path
 * parameters and credentials, the answer is never a 5xx, and a refused request writes nothing —
 * the database is compared before and after each one. The only writes a refusal may make are the
 * documented attempt accounting (rate-limit counters, a consumed ceremony, PIN and code attempt
 * counters and their `*.wrong` / `*.locked` audit events).
 *
 * Runs FUZZ_RUNS requests per backend (default 400; raise it locally, e.g. FUZZ_RUNS=5000).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;
type Auth = 'none' | 'session' | 'service' | 'garbage' | 'serviceAsSession';

/**
 * Every route of the handler (45): method, path with `:params`, who calls it, and the body's
 * fields. The sign-out routes act on a bystander (`:bystanderId`, fresh session tokens), so they
 * never sign out the session the rest of the run uses.
 */
const ROUTES: [method: string, path: string, auth: Auth, fields: string[]][] = [
  ['GET', '/.well-known/jwks.json', 'none', []],
  ['GET', '/.well-known/webauthn', 'none', []],
  ['POST', '/users', 'service', ['username', 'displayName']],
  ['POST', '/users/retrieve', 'service', ['username']],
  ['GET', '/me', 'session', []],
  ['POST', '/codes/:type/generate', 'service', ['userId', 'purpose', 'authorize', 'ttlSeconds', 'requireFace']],
  ['POST', '/codes/invalidate-all', 'service', ['userId']],
  ['POST', '/credentials/fido2/init/code', 'none', ['userId', 'code', 'hints']],
  ['POST', '/credentials/fido2/complete', 'none', ['ceremonyId', 'response', 'name']],
  ['POST', '/passkeys/register/options', 'none', ['username', 'displayName', 'hints']],
  ['POST', '/passkeys/register/verify', 'none', ['ceremonyId', 'response', 'name']],
  ['POST', '/passkeys/authenticate/options', 'none', ['username', 'hints']],
  ['POST', '/passkeys/authenticate/verify', 'none', ['ceremonyId', 'response']],
  ['GET', '/users/:userId/devices', 'service', []],
  ['DELETE', '/users/:userId/devices/:deviceId', 'service', []],
  ['GET', '/me/devices', 'session', []],
  ['GET', '/me/passkeys', 'session', []],
  ['PATCH', '/me/devices/:deviceId', 'session', ['name']],
  ['DELETE', '/me/devices/:deviceId', 'session', []],
  ['PUT', '/me/pin', 'session', ['pin']],
  ['POST', '/pin/verify', 'none', ['userId', 'pin', 'deviceProof']],
  ['POST', '/me/device-keys', 'session', ['publicKey']],
  ['POST', '/device-keys/challenge', 'none', ['userId', 'purpose']],
  ['POST', '/face/challenge', 'none', ['userId', 'purpose']],
  ['POST', '/face/enroll', 'session', ['challengeId', 'evidence', 'keep']],
  ['POST', '/face/verify', 'none', ['challengeId', 'userId', 'evidence', 'clientState', 'deviceProof']],
  ['GET', '/users/:userId/devices/:deviceId/client-state', 'service', []],
  ['POST', '/recovery', 'none', ['kind', 'userId', 'code', 'deviceProof']],
  ['GET', '/recovery/:flowId', 'none', []],
  ['DELETE', '/recovery/:flowId', 'none', []],
  ['PUT', '/recovery/:flowId/pin', 'none', ['pin']],
  ['POST', '/recovery/:flowId/face', 'none', ['challengeId', 'evidence', 'clientState']],
  ['POST', '/recovery/:flowId/passkey/options', 'none', ['replaceDeviceId', 'hints']],
  ['POST', '/recovery/:flowId/passkey/verify', 'none', ['ceremonyId', 'response', 'name']],
  ['GET', '/users/:userId/recovery', 'service', []],
  ['POST', '/users/:userId/recovery/cancel', 'service', []],
  ['POST', '/transactions', 'service', ['userId', 'message', 'context', 'ttlSeconds', 'allowPin']],
  ['GET', '/transactions/:id', 'service', []],
  ['POST', '/transactions/:id/options', 'session', []],
  ['POST', '/transactions/:id/confirm', 'session', ['ceremonyId', 'response', 'pin', 'deviceProof']],
  ['POST', '/transactions/:id/deny', 'session', []],
  ['GET', '/me/events', 'session', []],
  ['DELETE', '/me/session', 'session', []],
  ['DELETE', '/me/sessions', 'session', []],
  ['DELETE', '/users/:bystanderId/sessions', 'service', []],
];
const SIGN_OUT = new Set(['/me/session', '/me/sessions']);

// The list above is written by hand (it adds each body's fields); it must name every route of the
// protocol's table with the same method and caller, or a new route would go unfuzzed.
describe('the fuzzed routes', () => {
  it('are every route of @twofold/protocol ROUTES, with its method and caller', () => {
    const key = (method: string, path: string, auth: string) => `${method} ${path.replace(':bystanderId', ':userId')} ${auth}`;
    const fuzzed = ROUTES.map(([method, path, auth]) => key(method, path, auth)).sort();
    // Routes a caller may use without a session (optionally with one, or as a flow's holder) are fuzzed without one.
    const caller = { none: 'none', 'optional-session': 'none', holder: 'none', session: 'session', service: 'service' } as const;
    const table = Object.values(PROTOCOL_ROUTES)
      .map((r) => key(r.method, r.path, caller[r.auth.kind]))
      .sort();
    expect(fuzzed).toEqual(table);
  });
});

/** Refusals that count an attempt, and so may write the attempt accounting (and nothing else). */
const COUNTED = new Set([
  'AUTHENTICATION_FAILED',
  'REGISTRATION_FAILED',
  'CREDENTIAL_NOT_FOUND',
  'USER_HANDLE_MISMATCH',
  'COUNTER_REGRESSION',
  'CEREMONY_MISMATCH',
  'CHALLENGE_EXPIRED',
  'DEVICE_PROOF_INVALID',
  'CODE_INVALID',
  'CODE_LOCKED',
  'PIN_INVALID',
  'PIN_LOCKED',
  'FACE_MISMATCH',
  'LIVENESS_FAILED',
  'FACE_LOCKED',
]);
// A consumed ceremony: a stored one deleted, or a stateless sign-in ceremony's used-marker.
const COUNTED_TABLES = new Set(['ceremonies', 'ceremony_uses', 'pins', 'codes']);
const COUNTED_EVENTS = /^(code|pin|face)\.(wrong|locked|throttled|mismatch|liveness_failed)$|^passkey\.counter_regression$/;

/** Every table but the rate-limit counters, row by row (as JSON text), sorted. */
async function snapshot(query: Query): Promise<Map<string, string[]>> {
  const tables = await query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'twofold_rate_limits' ORDER BY 1`,
  );
  const out = new Map<string, string[]>();
  for (const { table_name } of tables.rows) {
    const rows = await query(`SELECT to_jsonb(t)::text AS r FROM "${String(table_name)}" t ORDER BY 1`);
    out.set(
      String(table_name),
      rows.rows.map((r) => String(r.r)),
    );
  }
  return out;
}

/** What changed between two snapshots that a refusal with `code` may not change. */
function forbiddenChanges(before: Map<string, string[]>, after: Map<string, string[]>, code: string): string[] {
  const problems: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? [];
    if (JSON.stringify(old) === JSON.stringify(rows)) continue;
    if (COUNTED.has(code) && COUNTED_TABLES.has(table)) continue;
    if (COUNTED.has(code) && table === 'audit_events') {
      const added = rows.filter((r) => !old.includes(r));
      const removed = old.filter((r) => !rows.includes(r));
      if (removed.length === 0 && added.every((r) => COUNTED_EVENTS.test(JSON.parse(r).type))) continue;
    }
    problems.push(`${table}: ${old.length} → ${rows.length} rows`);
  }
  return problems;
}

// Hostile text: NUL, lone surrogates, controls, bidi overrides, huge and percent-looking strings.
const hostile = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'a\udfffb',
    '\u202e',
    '%00',
    '%ED%A0%80',
    '../..',
    'x'.repeat(200),
    '0'.repeat(13),
    '🔐',
    '\uffff',
    'null',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);
const deepValue = fc.integer({ min: 20, max: 200 }).map((n) => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const anyValue = fc.oneof(
  { weight: 3, arbitrary: hostile },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, -1, 0, 1e308, 2 ** 53, 1.5, [], {}) },
  { weight: 1, arbitrary: deepValue },
);

describe.each(await backends())('every route under malformed input (%s)', (_name, open) => {
  let env: Awaited<ReturnType<typeof open>>;
  let app: ReturnType<typeof createTestApp>;
  const pool: Record<string, string[]> = {
    userId: [],
    deviceId: [],
    flowId: [],
    id: [],
    ceremonyId: [],
    challengeId: [],
    bystanderId: [],
    type: ['short', 'long', 'link'],
  };
  let sessionToken = '';
  let serviceKey = '';

  beforeAll(async () => {
    env = await open();
    app = createTestApp(env.store, { secretKeys: parseKeyring(generateSealingKey('k1')), onError: () => {} });
    serviceKey = (
      await app.twofold.apiKeys.create({
        name: 'fuzz',
        scopes: SCOPES, // every scope: the fuzzer reaches every service route
      })
    ).secret;
    // Real ids, so a share of the requests gets past "not found" into the modules.
    const user = await signUp(app);
    sessionToken = user.token;
    pool.userId!.push(user.userId);
    pool.bystanderId!.push((await signUp(app)).userId);
    pool.deviceId!.push(user.deviceId);
    await app.call('PUT', '/me/pin', { pin: '739154' }, { token: user.token });
    const tx = await app.call(
      'POST',
      '/transactions',
      { userId: user.userId, message: 'Pay 10 €', context: { a: 1 }, allowPin: true },
      { token: serviceKey },
    );
    pool.id!.push(tx.json.transactionId);
    const code = await app.call(
      'POST',
      '/codes/short/generate',
      { userId: user.userId, purpose: 'add_credential', authorize: true },
      { token: serviceKey },
    );
    const flow = await app.call('POST', '/recovery', {
      kind: 'new_device',
      userId: user.userId,
      code: { code: code.json.code, type: 'short' },
    });
    if (flow.json?.flowId) pool.flowId!.push(flow.json.flowId);
    const options = await app.call('POST', '/passkeys/authenticate/options', {});
    pool.ceremonyId!.push(options.json.ceremonyId);
    const challenge = await app.call('POST', '/face/challenge', { userId: user.userId, purpose: 'verify' });
    if (challenge.json?.challengeId) pool.challengeId!.push(challenge.json.challengeId);
  });
  afterAll(() => env?.close());

  const param = (name: string) =>
    fc.oneof({ weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: fc.constantFrom(...(pool[name]?.length ? pool[name]! : ['x'])) });
  const request = fc.record({
    route: fc.constantFrom(...ROUTES),
    auth: fc.constantFrom<Auth>('none', 'session', 'service', 'garbage', 'serviceAsSession'),
    useRouteAuth: fc.boolean(),
    body: fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('{', '{"a":', 'nul', '[]', '"x"', '\u0000', '{"userId":"\\u0000"}', '{"userId":"\\ud800"}'),
        ),
      },
      { weight: 6, arbitrary: fc.constant('fields') },
    ),
    values: fc.dictionary(
      fc.constantFrom(
        'username',
        'displayName',
        'userId',
        'purpose',
        'authorize',
        'ttlSeconds',
        'requireFace',
        'code',
        'ceremonyId',
        'response',
        'name',
        'pin',
        'challengeId',
        'evidence',
        'keep',
        'clientState',
        'kind',
        'replaceDeviceId',
        'message',
        'context',
        'allowPin',
        'deviceProof',
        'publicKey',
        'extra',
      ),
      anyValue,
      { maxKeys: 4 },
    ),
    keepReal: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    seed: fc.nat(),
  });

  it(`${RUNS} requests: no 5xx, and no refusal writes anything`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [method, template, routeAuth, fields] = r.route;
        const auth = r.useRouteAuth ? routeAuth : r.auth;
        let i = 0;
        const path = template.replace(/:(\w+)/g, (_m, name: string) => {
          const real = pool[name]?.[r.seed % Math.max(1, pool[name]!.length)];
          return r.keepReal[i++ % 4] && real
            ? real
            : encodeSegment(fc.sample(param(name), { numRuns: 1, seed: r.seed })[0]!).replaceAll('%25', '%');
        });
        let raw: string | undefined;
        if (method === 'GET')
          raw = undefined; // fetch forbids a GET body
        else if (typeof r.body === 'string' && r.body !== 'fields') raw = r.body;
        else if (r.body === 'fields') {
          const body: Record<string, unknown> = {};
          for (const [k, field] of fields.entries()) {
            const real = pool[field]?.[0];
            if (real && r.keepReal[k % 4]) body[field] = real;
          }
          Object.assign(body, r.values);
          try {
            raw = JSON.stringify(body);
          } catch {
            raw = '{}'; // a value too deep for JSON.stringify itself
          }
        }
        const session = SIGN_OUT.has(template)
          ? await app.twofold.tokens.issue({ userId: pool.bystanderId![0]!, amr: ['passkey'] })
          : sessionToken;
        const token = { none: undefined, session, service: serviceKey, garbage: 'tfk_nope', serviceAsSession: serviceKey }[auth];
        const before = await snapshot(env.query);
        const res = await app.call(method, path, undefined, {
          ...(token && { token }),
          ...(raw !== undefined && { raw, headers: { 'content-type': 'application/json' } }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${method} ${path} ${raw?.slice(0, 200)} → ${JSON.stringify(res.json)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          const after = await snapshot(env.query);
          expect(forbiddenChanges(before, after, res.json.code), `${method} ${path} ${raw?.slice(0, 200)} → ${res.json.code}`).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // The run reached past validation into the modules, not only into 400s.
    const past400 = [...statuses].filter(([s]) => s !== 400).reduce((n, [, c]) => n + c, 0);
    expect(past400, JSON.stringify([...statuses])).toBeGreaterThan(RUNS / 5);
  }, 600_000);
});

/** Percent-encodes a segment; a lone surrogate becomes its three WTF-8 bytes (which are not UTF-8). */
const encodeSegment = (segment: string) =>
  [...segment]
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        const c = ch.charCodeAt(0);
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    })
    .join('');

async function backends() {
  const list: [string, () => Promise<{ store: Store; query: Query; close: () => Promise<void> }>][] = [
    [
      'PGlite',
      async () => {
        const db = await PGlite.create();
        const store = await createPGliteStore({ db });
        return { store, query: (sql) => db.query<Record<string, unknown>>(sql), close: () => store.close() };
      },
    ],
  ];
  if (await postgresAvailable()) {
    list.push([
      'PostgreSQL',
      async () => {
        const schema = `twofold_fuzz_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
        await client.connect();
        return {
          store,
          query: (sql) => client.query(sql),
          close: async () => {
            await store.close();
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await client.end();
          },
        };
      },
    ]);
  }
  return list;
}
