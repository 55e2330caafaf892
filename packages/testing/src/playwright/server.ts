import { createTwofold, generateSealingKey, parseKeyring, type Twofold, type TwofoldOptions } from '@twofold/server';
import { clientAddress, handleClientErrors, toNodeListener } from '@twofold/server/node';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fetch-standard request handler (what `twofold.handler` is, or a Hono app's `fetch`). */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

/** A `node:http` request listener: an Express or connect app, `koaApp.callback()`, `toNodeListener(…)`, your own `(req, res) => …`. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Options of {@link startTwofoldServer} (and of the `twofoldOptions` fixture option, to start a server per worker). */
export interface StartTwofoldServerOptions {
  /**
   * Your app around the Twofold API as a Fetch handler: given the instance, returns the handler
   * for every request (route `/api/*` to `twofold.handler` and serve your pages). An Express,
   * connect or Koa app goes in {@link StartTwofoldServerOptions.listener} instead. Default: only
   * the Twofold API.
   */
  app?: (twofold: Twofold) => FetchHandler | Promise<FetchHandler>;
  /**
   * Your app around the Twofold API as a Node request listener: an Express app (mount Twofold
   * in it with `toNodeListener` of `@twofold/server/node`), `koaApp.callback()`, a connect app,
   * `(req, res) => …`. Given the instance, returns the listener for every request. Not with `app`.
   */
  listener?: (twofold: Twofold) => NodeRequestListener | Promise<NodeRequestListener>;
  /** Start the face analyzer (face-api in worker threads) so face routes work. Default false. */
  face?: boolean | { threads?: number };
  /** Anything else of `createTwofold` (store, rp and faceAnalyzer are set here). */
  twofold?: Partial<Omit<TwofoldOptions, 'store' | 'rp' | 'faceAnalyzer'>> & { rpName?: string };
}

/** A service-side client for one-line test setup, over the HTTP service API with an all-scopes key. */
export interface TwofoldServiceClient {
  /** `POST /users`. */
  createUser(options: { username: string; displayName?: string }): Promise<{ userId: string; username: string; displayName: string }>;
  /** `POST /codes/{type}/generate` (add_credential, authorized; `requireFace`: redeemable only with a face check). */
  generateCode(options: {
    userId: string;
    type?: 'short' | 'long' | 'link';
    ttlSeconds?: number;
    requireFace?: boolean;
  }): Promise<{ code: string; expiresAt: string; isAuthorized: boolean; link?: string }>;
  /** `POST /transactions`. */
  createTransaction(options: {
    userId: string;
    message: string;
    context: unknown;
    ttlSeconds?: number;
  }): Promise<{ transactionId: string; expiresAt: string }>;
  /** `GET /transactions/{id}`. */
  getTransaction(options: {
    transactionId: string;
  }): Promise<{ transactionId: string; status: string; method?: string; decidedAt?: string }>;
  /** `GET /users/{userId}/devices`. */
  listDevices(options: { userId: string }): Promise<{ id: string; type: string; name: string }[]>;
  /** Any service route: `request('POST', '/users/retrieve', { username })` → parsed JSON; throws on a non-2xx answer with its problem `code`. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Options of {@link connectTwofoldServer} (and of the `twofoldOptions` fixture option, to use a
 * server started elsewhere: Playwright's `webServer`, a staging deployment).
 */
export interface ConnectTwofoldServerOptions {
  /** The app's origin, e.g. `http://localhost:3000` (what `twofold.url` will be). */
  url: string;
  /**
   * A service API key of that server. `toHaveDevice` and `service.listDevices` need the
   * `devices.read` scope; the other service calls their own (`users.create`, `codes.generate`,
   * `transactions.create`, `transactions.read`); an all-scopes key does everything.
   */
  apiKey: string;
  /** Where that server serves the Twofold API. Default `/api/v1`. */
  basePath?: string;
}

/** The `twofoldOptions` fixture option: start a server per worker, or connect to one. */
export type TwofoldServerOptions = StartTwofoldServerOptions | ConnectTwofoldServerOptions;

/** A running Twofold server for tests. */
export interface TwofoldTestServer {
  /** `http://localhost:PORT` — WebAuthn works on `localhost`, not on `127.0.0.1`. */
  url: string;
  /**
   * The in-process instance: every Twofold function (`users.create`, `codes.generate`, …). Only
   * for a server the fixture started: reading it on a connected server ({@link connectTwofoldServer})
   * throws, naming `service` instead.
   */
  server: Twofold;
  /** A service API key with every scope. */
  apiKey: string;
  /** Service calls over HTTP with that key. */
  service: TwofoldServiceClient;
  /** Stops the HTTP server, the face workers and the database. */
  close(): Promise<void>;
}

/**
 * Starts a Twofold server for tests: an in-memory PGlite database (4–7 s to initialise, so start
 * one per worker), the HTTP API under `/api/v1` on a free port of `localhost` (RP ID `localhost`,
 * origin `http://localhost:PORT`), open registration, a fresh sealing key, an all-scopes service
 * key and a service client. The
 * `twofold` fixture of `@twofold/testing/playwright` calls it once per worker.
 * @example
 * const tf = await startTwofoldServer({ app: (twofold) => (req) => twofold.handler(req) });
 * const { userId } = await tf.service.createUser({ username: 'ada' });
 * await tf.close();
 */
export async function startTwofoldServer(options: StartTwofoldServerOptions = {}): Promise<TwofoldTestServer> {
  if (options.app && options.listener)
    throw new TypeError(
      'startTwofoldServer: pass either `app` (a Fetch handler) or `listener` (a Node listener, e.g. an Express app), not both',
    );
  // Loaded only here: a suite connected to its own server (`url` mode) needs neither the embedded
  // database (@electric-sql/pglite) nor the face stack, which are optional peers.
  const { createPGliteStore } = await import('@twofold/server/pglite').catch((error: unknown) => {
    throw new Error(
      'The twofold fixture starts its server on the embedded database: npm install -D @electric-sql/pglite — ' +
        'or connect it to the server your tests start (Playwright webServer) with twofoldOptions: { url, apiKey }.',
      { cause: error },
    );
  });
  const store = await createPGliteStore();
  const faceAnalyzer = options.face
    ? (await import('@twofold/server/face')).createFaceAnalyzer(
        typeof options.face === 'object' && options.face.threads ? { threads: options.face.threads } : { threads: 1 },
      )
    : undefined;
  // Listen first (the origin names the port), route to the app once it is built.
  let listener: NodeRequestListener | undefined;
  const http = await listen((req, res) => {
    if (listener) return listener(req, res);
    res.writeHead(503, { 'content-type': 'text/plain' }).end('Starting…');
  });
  const url = `http://localhost:${http.port}`;
  try {
    const { rpName, ...rest } = options.twofold ?? {};
    const server = createTwofold({
      openRegistration: true,
      http: { clientAddress },
      secretKeys: parseKeyring(generateSealingKey('test')), // a fresh key per server: nothing outlives it
      ...rest,
      store,
      rp: { id: 'localhost', name: rpName ?? 'Twofold tests', origins: [url] },
      ...(faceAnalyzer && { faceAnalyzer }),
    });
    const apiKey = `tfk_test_${randomBytes(16).toString('hex')}`;
    await server.apiKeys.ensure({ name: 'playwright', secret: apiKey }); // every scope
    await server.tokens.ready();
    if (options.listener) listener = await options.listener(server);
    else listener = toNodeListener(checkedFetchHandler(options.app ? await options.app(server) : (req) => server.handler(req)));
    const service = createServiceClient({ url, apiKey, ...(rest.http?.basePath !== undefined && { basePath: rest.http.basePath }) });
    return {
      url,
      server,
      apiKey,
      service,
      async close() {
        await http.close();
        await faceAnalyzer?.close();
        await store.close();
      },
    };
  } catch (error) {
    await http.close();
    await faceAnalyzer?.close();
    await store.close();
    throw error;
  }
}

/**
 * A Twofold server started elsewhere, for the same fixture and matchers: Playwright's
 * `webServer`, a staging deployment. `service` and the matchers work over HTTP with `apiKey`;
 * there is no in-process `server` (reading it throws) and nothing to close.
 * @example
 * // playwright.config.ts
 * webServer: { command: 'node server.js', url: 'http://localhost:3000' },
 * use: { twofoldOptions: { url: 'http://localhost:3000', apiKey: process.env.TWOFOLD_API_KEY! } },
 */
export function connectTwofoldServer(options: ConnectTwofoldServerOptions): TwofoldTestServer {
  if (!options.url || !options.apiKey)
    throw new TypeError('connectTwofoldServer: `url` and `apiKey` (a service API key of that server) are required');
  const url = options.url.replace(/\/+$/, '');
  const { protocol, hostname } = new URL(url);
  // The service key has every scope: over plain HTTP it should only travel to this machine.
  if (protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(hostname)) {
    throw new TypeError(
      `connectTwofoldServer: ${url} is plain HTTP to another host, and the service API key would cross the network in clear: use https://, or a server on localhost.`,
    );
  }
  return {
    url,
    get server(): Twofold {
      throw new Error(
        `twofold.server is the in-process instance of a server the fixture starts; this fixture is connected to ${url} (twofoldOptions.url). ` +
          'Use twofold.service (createUser, generateCode, listDevices, request, …) or start the server in the fixture with twofoldOptions.app or .listener.',
      );
    },
    apiKey: options.apiKey,
    service: createServiceClient({ url, apiKey: options.apiKey, ...(options.basePath !== undefined && { basePath: options.basePath }) }),
    close: async () => {},
  };
}

/** The `twofold` fixture's server for its option: connected when it names a `url`, else started. */
export function openTwofoldServer(options: TwofoldServerOptions): Promise<TwofoldTestServer> {
  return 'url' in options && options.url !== undefined
    ? Promise.resolve(connectTwofoldServer(options))
    : startTwofoldServer(options as StartTwofoldServerOptions);
}

/**
 * The app's Fetch handler, refusing clearly what is not one: an Express app (or any Node
 * listener) handed to `app` gets a `Request` it cannot serve; the answer names `listener`.
 */
function checkedFetchHandler(handler: FetchHandler): FetchHandler {
  const hint =
    'The `app` of twofoldOptions must be a Fetch handler, (Request) => Response. ' +
    'An Express, connect or Koa app (a Node listener, (req, res) => …) goes in twofoldOptions.listener instead.';
  const refuse = (what: string, error?: unknown) => {
    console.error(`[twofold fixture] ${what}. ${hint}`, ...(error === undefined ? [] : [error]));
    return new Response(`${what}. ${hint}`, { status: 500, headers: { 'content-type': 'text/plain' } });
  };
  return async (req) => {
    let res: unknown;
    try {
      res = await handler(req);
    } catch (error) {
      return refuse(`The app threw on ${req.method} ${new URL(req.url).pathname}`, error);
    }
    // Duck-typed: `@hono/node-server` swaps the global Response class, so `instanceof` would refuse
    // a Response made by the platform's own class (a proxied `fetch`, a library that kept it).
    const ok =
      typeof res === 'object' &&
      res !== null &&
      typeof (res as Response).status === 'number' &&
      typeof (res as Response).headers === 'object';
    return ok ? (res as Response) : refuse(`The app returned ${res === undefined ? 'nothing' : typeof res}, not a Response`);
  };
}

/** A `node:http` server on a free port of 127.0.0.1, with problem+json for bad request heads. */
async function listen(listener: NodeRequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = handleClientErrors(createServer((req, res) => void listener(req, res)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      }),
  };
}

/** Options of {@link createServiceClient}. */
export interface CreateServiceClientOptions {
  /** The server's origin, e.g. `http://localhost:8080` (`basePath` is appended). */
  url: string;
  /** A service API key. */
  apiKey: string;
  /** Where the server serves the Twofold API. Default `/api/v1`. */
  basePath?: string;
}

/** A {@link TwofoldServiceClient} for any Twofold server (a test server, or one you started yourself). */
export function createServiceClient(options: CreateServiceClientOptions): TwofoldServiceClient {
  const api = options.url.replace(/\/+$/, '') + (options.basePath ?? '/api/v1').replace(/\/+$/, '');
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok)
      throw Object.assign(new Error(`${method} ${path} → ${res.status} ${json?.code ?? ''} ${json?.detail ?? json?.title ?? ''}`.trim()), {
        status: res.status,
        code: json?.code,
      });
    return json as T;
  };
  return {
    request,
    createUser: (o) => request('POST', '/users', o),
    generateCode: ({ type = 'short', ...o }) =>
      request('POST', `/codes/${type}/generate`, { ...o, purpose: 'add_credential', authorize: true }),
    createTransaction: (o) => request('POST', '/transactions', o),
    getTransaction: (o) => request('GET', `/transactions/${encodeURIComponent(o.transactionId)}`),
    listDevices: async (o) =>
      (await request<{ devices: { id: string; type: string; name: string }[] }>('GET', `/users/${encodeURIComponent(o.userId)}/devices`))
        .devices,
  };
}
