import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { TrieRouter } from 'hono/router/trie-router';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { FACE_EVIDENCE_LIMITS } from '@twofold/protocol';
import { MODULES } from '../modules.js';
import type { TwofoldEnv } from '../routing.js';
import { addressKey, type ClientAddressSource } from './address.js';
import { bodyTooLarge, checkPathSegments, createRouteKit } from './middleware.js';
import { problemResponse } from './problem.js';

export interface HandlerOptions {
  /** Path prefix the API is served under. Default `/api/v1`. */
  basePath?: string;
  /** Largest accepted request body. Default 64 KiB (face evidence routes: room for their frames, ~1 MiB). */
  bodyLimitBytes?: number;
  /**
   * Where a request's client address comes from, for the per-address rate limits. Required:
   * building a handler without it throws, so the limits cannot be off by omission.
   * - On Node: `clientAddress` of `@twofold/server/node` (the socket's address, for requests
   *   served with its `toNodeListener`, `toFastifyPlugin`, `toKoaMiddleware` or `serve`; their
   *   own `clientAddress` option can hand over your framework's proxy-aware address instead).
   * - Behind reverse proxies: `forwardedClientAddress({ hops, fallback: clientAddress })`.
   * - Any other function of the request (your platform's connection info).
   * - `'none'`: no per-address limits (per-user limits still apply). Only for a host that limits
   *   by address in front of Twofold.
   *
   * A request the source has no address for (or an unparseable one) is limited in one shared
   * `unknown` bucket; IPv6 addresses are limited by their /64.
   */
  clientAddress?: ClientAddressSource | 'none';
  /** Called with unexpected (5xx) errors. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * The Fetch-standard HTTP handler, `(Request) => Promise<Response>`: the modules' routes (`MODULES`) mounted
 * on one Hono app, behind the middleware they share. Every {@link TwofoldError} becomes
 * problem+json (`problem.ts` maps codes to statuses); anything else is a 500 `INTERNAL` with no
 * detail leaked.
 */
export function createHandler(ctx: TwofoldContext, options: HandlerOptions = {}): (req: Request) => Promise<Response> {
  const source = options.clientAddress;
  if (source !== 'none' && typeof source !== 'function') {
    throw new TypeError(
      "createHandler: http.clientAddress is required for per-address rate limits: pass clientAddress from '@twofold/server/node', " +
        "forwardedClientAddress({ hops }) behind a proxy, your own function, or 'none' to turn per-address limits off explicitly",
    );
  }
  const base = (options.basePath ?? '/api/v1').replace(/\/+$/, ''); // '/' and '/tf/' work too
  const limit = options.bodyLimitBytes ?? 64 * 1024;
  const onError = options.onError ?? ((e: unknown) => console.error('[twofold] unexpected error', e));
  const kit = createRouteKit(ctx);
  const app = new Hono<TwofoldEnv>().basePath(base);

  app.use(async (c, next) => {
    c.set('clientAddress', source === 'none' ? undefined : addressKey(source(c.req.raw)));
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('x-content-type-options', 'nosniff');
  });
  app.use(checkPathSegments);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) =>
        problemResponse('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here.`, {}, { allow: allowed.join(', ') }),
    }),
  );
  // Face evidence (camera frames) is legitimately larger than every other body. A declared
  // length over the limit is refused at once (hono/body-limit); the bytes themselves are counted
  // by `kit.json` as it reads them — the only reader — so a streamed body is never buffered twice,
  // a route that reads no body reads nothing, and a host-built Request that declares less than it
  // carries is still refused.
  const limitBodies = (max: number) => {
    const declared = bodyLimit({
      maxSize: max,
      onError: () => {
        throw bodyTooLarge(max);
      },
    });
    return createMiddleware<TwofoldEnv>(async (c, next) => {
      c.set('bodyLimit', max);
      return c.req.raw.headers.has('content-length') ? declared(c, next) : next();
    });
  };
  // Face evidence: at most maxFrames base64 frames of maxFrameBytes each, plus a little JSON.
  const evidenceLimit = Math.max(
    limit,
    Math.ceil((FACE_EVIDENCE_LIMITS.maxFrames * FACE_EVIDENCE_LIMITS.maxFrameBytes * 4) / 3) + 16 * 1024,
  );
  const evidence = new TrieRouter<true>();
  for (const path of MODULES.flatMap((m) => m.evidencePaths ?? [])) evidence.add('ALL', base + path, true);
  const [small, large] = [limitBodies(limit), limitBodies(evidenceLimit)];
  app.use((c, next) => (evidence.match('ALL', c.req.path)[0].length > 0 ? large : small)(c, next));

  // Every module's routes (MODULES, src/modules.ts), as sub-apps at the base path.
  for (const module of MODULES) if (module.routes) app.route('/', module.routes(ctx, kit));

  app.notFound((c) => problemResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));
  app.onError((error) => {
    if (error instanceof TwofoldError) {
      if (error.code === 'STORE_UNAVAILABLE') onError(error); // operators must hear of an outage
      return problemResponse(error.code, error.message, error.extensions);
    }
    onError(error);
    return problemResponse('INTERNAL', 'Something went wrong on the server.');
  });

  // WebAuthn L3 §5.11.1: browsers ask for `/.well-known/webauthn` at the root of the RP ID's
  // host, wherever the API itself is mounted: a host that passes that path on gets it answered.
  const wellKnown = `${base}/.well-known/webauthn`;
  const handler = async (req: Request): Promise<Response> => {
    if (base && (req.method === 'GET' || req.method === 'HEAD')) {
      const url = new URL(req.url);
      if (url.pathname === '/.well-known/webauthn')
        req = new Request(new URL(wellKnown, url), { method: req.method, headers: req.headers });
    }
    const res = await app.fetch(req);
    if (res.headers.get('content-type')?.startsWith('application/problem+json')) res.headers.set('cache-control', 'no-store');
    return res;
  };
  // The framework adapters of `@twofold/server/node` read it to route and to check their mount path.
  Object.defineProperty(handler, HANDLER_BASE_PATH, { value: base });
  return handler;
}

/**
 * The property under which a handler built by {@link createHandler} records its base path
 * (normalised: no trailing slash, `''` for the root), so that the framework adapters of
 * `@twofold/server/node` can route to it and check where it is mounted. `Symbol.for`, so that
 * two copies of the package agree.
 */
export const HANDLER_BASE_PATH = Symbol.for('twofold.handler.basePath');
