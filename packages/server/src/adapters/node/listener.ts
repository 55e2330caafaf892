/**
 * The one bridge from Node's `IncomingMessage`/`ServerResponse` to a Fetch-standard handler that
 * every framework adapter goes through (`toNodeListener`, `toFastifyPlugin`, `toKoaMiddleware`):
 * the URL the client asked for (not the one a framework stripped its mount path from), a body a
 * body parser already read rebuilt from what it parsed, and the client's address for the rate
 * limits. The conversion itself (headers, streaming, writing the response) is
 * `@hono/node-server`'s.
 */
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HANDLER_BASE_PATH } from '../../http/app.js';
import { problemResponse } from '../../http/problem.js';

/** A Fetch-standard request handler, such as `twofold.handler`. */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

/**
 * A Node request as the adapters read it: `node:http`'s `IncomingMessage` plus what Express,
 * connect and body parsers may have added to it. Every extra member is optional.
 */
export type NodeRequest = IncomingMessage & {
  /** Express/connect: the URL before the mount path was stripped from `url`. */
  originalUrl?: string;
  /** Express: the path the middleware is mounted at. */
  baseUrl?: string;
  /** A body parser's result (`express.json()`, `express.text()`, `express.raw()`, …). */
  body?: unknown;
  /** The body's bytes, kept by some hosts and parsers (Google Cloud Functions, `verify` hooks). */
  rawBody?: unknown;
  /** Set by `body-parser` once it has read the body. */
  _body?: boolean;
  /** Express: the client address, honouring its `trust proxy` setting. */
  ip?: string;
};

/** What a body parser left behind, to rebuild a body it already read. */
export interface ParsedBody {
  body?: unknown;
  rawBody?: unknown;
}

/** One request through the bridge. */
export interface BridgeCall {
  /** The URL the client asked for (path and query), e.g. Express's `req.originalUrl`. */
  url: string;
  /** Where a body parser's result is, if one ran. */
  parsed: ParsedBody;
  /** The client's address for the rate limits; `undefined`: the socket's. */
  address: string | undefined;
}

const addresses = new WeakMap<Request, string>();

/**
 * The client address a request came from, for requests served by the adapters of
 * `@twofold/server/node` (`toNodeListener`, `toFastifyPlugin`, `toKoaMiddleware`, `serve`): the
 * socket's address, or what the adapter's `clientAddress` option returned. Pass it as
 * `http.clientAddress` to `createTwofold` for per-address rate limits. Behind a proxy this is
 * the proxy's address unless the adapter's `clientAddress` option reads your framework's
 * proxy-aware address (Express `req.ip`, Fastify `request.ip`, Koa `ctx.ip`).
 */
export function clientAddress(req: Request): string | undefined {
  return addresses.get(req);
}

/** The base path a handler built by `createTwofold` serves (`''` for the root), or `undefined` for any other handler. */
function handlerBasePath(handler: FetchHandler): string | undefined {
  const base = (handler as unknown as Record<symbol, unknown>)[HANDLER_BASE_PATH];
  return typeof base === 'string' ? base : undefined;
}

/** The path of a request target (`/a/b?x` → `/a/b`). */
export const pathOf = (url: string): string => {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
};

/** `path` is `prefix` or below it (`''` is the root, above everything). */
export const isUnder = (path: string, prefix: string): boolean =>
  prefix === '' || path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);

/** True when the handler answers `path`: under its base path, or the root's `/.well-known/webauthn`. */
export const serves = (base: string | undefined, path: string): boolean =>
  base === undefined || isUnder(path, base) || path === '/.well-known/webauthn';

/**
 * Why a mount path and a base path cannot work together (neither is under the other), for the
 * log, naming both fixes; `undefined` when they can.
 */
export function mountMismatch(base: string | undefined, mount: string, howToMount: string): string | undefined {
  const m = mount.replace(/\/+$/, '');
  // Express and connect match mount paths whatever their case: /API/V1 reached a mount at /api/v1.
  // Such a request is not for the handler (its routes are case-sensitive), not a misconfiguration.
  const [lm, lb] = [m.toLowerCase(), base?.toLowerCase()];
  if (lb === undefined || lm === '' || isUnder(lm, lb) || isUnder(lb, lm)) return undefined;
  return (
    `Twofold's handler serves ${base || '/'} but is mounted at ${m}, so it would answer none of its routes. ` +
    `Either mount it at its base path (${howToMount.replace('{base}', base || '/')}), or give the handler that base path: ` +
    `createTwofold({ ..., http: { ..., basePath: '${m}' } }) (and point the client's baseUrl at ${m}).`
  );
}

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\b/i;

/**
 * The body a parser already read, rebuilt: its raw bytes when it kept them (`rawBody`, a
 * `Buffer` body), a text body as is, a JSON body re-serialised (the handler parses it with
 * `JSON.parse`, which sees the same value). A string: why it cannot be rebuilt.
 */
function rebuildBody(contentType: string | undefined, parsed: ParsedBody): Uint8Array | string {
  const { rawBody, body } = parsed;
  if (rawBody instanceof Uint8Array) return rawBody;
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (body instanceof Uint8Array) return body;
  // A JSON parser's value, a string too (`express.json({ strict: false })`), goes back as JSON:
  // sent as its contents, a string holding an object would become that object.
  if (body !== undefined && JSON_TYPE.test(contentType ?? '')) return Buffer.from(JSON.stringify(body), 'utf8');
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return (
    'A body parser read the body of this request before Twofold and left nothing Twofold can rebuild it from' +
    ` (no rawBody, and req.body is ${body === undefined ? 'undefined' : `a parsed ${typeof body}`}). ` +
    'Mount Twofold before your body parsers (e.g. app.use(twofold) before app.use(express.json())), ' +
    "or keep the body parser off Twofold's routes."
  );
}

/** True when something (a body parser) has already read from the request's body stream. */
function bodyWasRead(req: NodeRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  return req._body === true || req.readableEnded || req.readableDidRead;
}

/** A mounting problem, answered 503 `NOT_CONFIGURED` and logged once per `reason`. */
interface Refusal {
  reason: 'adapter' | 'body' | 'mount';
  message: string;
}

const UNRESERVED_ESCAPE = /%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[de]|5f|7e)/i;

/**
 * Why a request path would mean one thing to the host and another to the handler, or undefined.
 * Express, connect, Koa and Fastify match middleware on the raw path; the handler's URL parser
 * resolves dot-segments and its router decodes escapes. So `/api/v1/x/../users` or
 * `/api/v1/%75sers` would slip past a host's guard on `/api/v1/users` and still reach the route.
 * No honest client sends either: browsers and `fetch` resolve dot-segments, and
 * `encodeURIComponent` never escapes an unreserved character (RFC 3986 §2.3).
 */
export function ambiguousPath(path: string): string | undefined {
  if (path.split('/').some((segment) => segment === '.' || segment === '..'))
    return 'The request path has dot-segments ("." or ".."); send it resolved.';
  if (UNRESERVED_ESCAPE.test(path))
    return 'The request path percent-encodes a character that needs no encoding (RFC 3986 §2.3); send it as is.';
  return undefined;
}

/** Options of {@link createBridge}. */
export interface BridgeOptions {
  /** Told once per distinct mounting problem (the response is a 503 `NOT_CONFIGURED`). Default `console.error`. */
  onError?: (error: Error) => void;
}

/** The bridge for one handler: `run` serves one request; `refuse` answers a mounting problem. */
export interface Bridge {
  base: string | undefined;
  run(req: NodeRequest, res: ServerResponse, call: BridgeCall): Promise<void>;
  refuse(req: NodeRequest, res: ServerResponse, message: string): Promise<void>;
}

/** Builds the bridge the adapters share (see the file's comment). */
export function createBridge(handler: FetchHandler, options: BridgeOptions = {}): Bridge {
  const base = handlerBasePath(handler);
  const onError = options.onError ?? ((e: Error) => console.error(`[twofold] ${e.message}`));
  // Told once per kind of problem, not per message: messages can hold request-derived text (a
  // mount path's casing), and a set keyed by them would grow with every variant a client sends.
  const told = new Set<Refusal['reason']>();
  const calls = new WeakMap<IncomingMessage, BridgeCall | Refusal | { invalid: string }>();
  const notConfigured = ({ reason, message }: Refusal) => {
    if (!told.has(reason)) {
      told.add(reason);
      onError(new Error(message));
    }
    return problemResponse('NOT_CONFIGURED', 'Twofold is not mounted correctly on this server: its log says what to change.');
  };
  const listener = getRequestListener(async (req, env) => {
    const incoming = env.incoming as NodeRequest;
    const call = calls.get(incoming);
    if (!call) return notConfigured({ reason: 'adapter', message: 'A request reached the Twofold bridge without its adapter.' });
    if ('reason' in call) return notConfigured(call);
    if ('invalid' in call) return problemResponse('INVALID_REQUEST', call.invalid);
    let request = req;
    if (bodyWasRead(incoming)) {
      const bytes = rebuildBody(incoming.headers['content-type'], call.parsed);
      if (typeof bytes === 'string') return notConfigured({ reason: 'body', message: bytes });
      // The declared content-length stays: the handler's limits apply to what the client sent.
      request = new Request(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(bytes), signal: req.signal });
    }
    const address = call.address ?? incoming.socket.remoteAddress;
    if (address) addresses.set(request, address);
    return handler(request);
  });
  const serveWith = async (req: NodeRequest, res: ServerResponse, call: BridgeCall | Refusal | { invalid: string }, url: string) => {
    calls.set(req, call);
    // `@hono/node-server` reads `req.url` synchronously when the listener starts: the client's
    // URL for the handler, the framework's own back at once for whatever runs after.
    const saved = req.url;
    req.url = url;
    let done: Promise<unknown>;
    try {
      done = listener(req, res);
    } finally {
      req.url = saved;
    }
    await done;
  };
  return {
    base,
    run: (req, res, call) => {
      const invalid = ambiguousPath(pathOf(call.url));
      return serveWith(req, res, invalid ? { invalid } : call, invalid ? '/' : call.url);
    },
    refuse: (req, res, message) => serveWith(req, res, { reason: 'mount', message }, req.originalUrl ?? req.url ?? '/'),
  };
}

/** Options of {@link toNodeListener}. */
export interface ToNodeListenerOptions {
  /**
   * The client address for the rate limits (see {@link clientAddress}). Default: the socket's
   * address. Behind a proxy with Express: `(req) => req.ip` (honours Express's `trust proxy`).
   */
  clientAddress?: (req: NodeRequest) => string | undefined;
  /** Told once per distinct mounting problem (see the README). Default `console.error`. */
  onError?: (error: Error) => void;
}

/**
 * A `node:http` request listener that is also Express/connect middleware: `(req, res, next?)`.
 * @param req a Node request; Express's and connect's `originalUrl`/`baseUrl` and a body parser's
 *   `body`/`rawBody` are read when present.
 * @param res the response; the handler's answer is written to it.
 * @param next Express/connect's `next`: called for requests outside the handler's base path.
 */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

/**
 * Serves `handler` (e.g. `twofold.handler`) from `node:http`, Express or connect: the one call for
 * all three.
 * - `http.createServer(toNodeListener(twofold.handler))`: every request goes to the handler.
 * - `app.use(toNodeListener(twofold.handler))` or `app.use('/api/v1', toNodeListener(twofold.handler))`:
 *   the handler sees the URL the client asked for (`req.originalUrl`, not the path Express stripped
 *   its mount path from); requests outside its base path go on to `next()`. Mounted at a path that
 *   cannot reach the base path (`app.use('/auth', …)` with the default `/api/v1`), it answers 503
 *   `NOT_CONFIGURED` and logs both fixes.
 * - Whether or not a body parser ran first: when `express.json()` (or any parser) already read the
 *   body, the handler gets it rebuilt — its raw bytes when kept (`req.rawBody`, a `Buffer` body),
 *   text as is, JSON re-serialised — under the same declared `content-length` and byte limits.
 *   A body that cannot be rebuilt (e.g. `express.urlencoded()` output) is refused with 503
 *   `NOT_CONFIGURED` and a log line saying to mount Twofold before the parser. Mounting Twofold
 *   first is best: a parser's own errors (its 100 kB limit, invalid JSON) are not problem+json.
 *
 * The client address for the rate limits is the socket's (or `options.clientAddress`), read by
 * {@link clientAddress}.
 */
export function toNodeListener(handler: FetchHandler, options: ToNodeListenerOptions = {}): NodeListener {
  const bridge = createBridge(handler, options.onError ? { onError: options.onError } : {});
  return async (incoming, res, next) => {
    const req = incoming as NodeRequest;
    const url = req.originalUrl ?? req.url ?? '/';
    const path = pathOf(url);
    if (next && !serves(bridge.base, path)) {
      const mount = req.baseUrl ?? mountOf(path, pathOf(req.url ?? '/'));
      const problem = mountMismatch(bridge.base, mount, "app.use('{base}', toNodeListener(twofold.handler))");
      if (problem) return bridge.refuse(req, res, problem);
      return next();
    }
    try {
      await bridge.run(req, res, { url, parsed: { body: req.body, rawBody: req.rawBody }, address: options.clientAddress?.(req) });
    } catch (error) {
      if (next) next(error);
      else throw error;
    }
  };
}

/** The mount path a framework stripped: `full` minus its stripped tail (`/api/v1/x`, `/x` → `/api/v1`). */
function mountOf(full: string, stripped: string): string {
  const tail = stripped === '/' ? '' : stripped;
  return full.endsWith(tail) ? full.slice(0, full.length - tail.length) : '';
}
