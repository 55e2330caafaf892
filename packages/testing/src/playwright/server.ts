import { createTwofold, generateSealingKey, parseKeyring, type Twofold, type TwofoldOptions } from '@twofold/server';
import { createFaceAnalyzer } from '@twofold/server/face';
import { clientAddress, serve } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { randomBytes } from 'node:crypto';

/** A fetch-standard request handler (what `twofold.handler` is). */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

/** Options of {@link startTwofoldServer} (and the `twofoldOptions` fixture option). */
export interface StartTwofoldServerOptions {
  /**
   * Your app around the Twofold API: given the instance, returns the handler for every request
   * (route `/api/*` to `twofold.handler` and serve your pages). Default: only the Twofold API.
   */
  app?: (twofold: Twofold) => FetchHandler | Promise<FetchHandler>;
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
  generateCode(options: { userId: string; type?: 'short' | 'long' | 'link'; ttlSeconds?: number; requireFace?: boolean }): Promise<{ code: string; expiresAt: string; isAuthorized: boolean; link?: string }>;
  /** `POST /transactions`. */
  createTransaction(options: { userId: string; message: string; context: unknown; ttlSeconds?: number }): Promise<{ transactionId: string; expiresAt: string }>;
  /** `GET /transactions/{id}`. */
  getTransaction(options: { transactionId: string }): Promise<{ transactionId: string; status: string; method?: string; decidedAt?: string }>;
  /** `GET /users/{userId}/devices`. */
  listDevices(options: { userId: string }): Promise<{ id: string; type: string; name: string }[]>;
  /** Any service route: `request('POST', '/users/retrieve', { username })` → parsed JSON; throws on a non-2xx answer with its problem `code`. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** A running Twofold server for tests. */
export interface TwofoldTestServer {
  /** `http://localhost:PORT` — WebAuthn works on `localhost`, not on `127.0.0.1`. */
  url: string;
  /** The in-process instance: every Twofold function (`users.create`, `codes.generate`, …). */
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
  const store = await createPGliteStore();
  const faceAnalyzer = options.face ? createFaceAnalyzer(typeof options.face === 'object' && options.face.threads ? { threads: options.face.threads } : { threads: 1 }) : undefined;
  let handler: FetchHandler | undefined;
  const http = await serve({ handler: (req) => handler?.(req) ?? new Response('Starting…', { status: 503 }), port: 0, hostname: '127.0.0.1' });
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
    handler = options.app ? await options.app(server) : (req) => server.handler(req);
    const service = createServiceClient({ url, apiKey });
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

/** Options of {@link createServiceClient}. */
export interface CreateServiceClientOptions {
  /** The server's origin, e.g. `http://localhost:8080` (`/api/v1` is appended). */
  url: string;
  /** A service API key. */
  apiKey: string;
}

/** A {@link TwofoldServiceClient} for any Twofold server (a test server, or one you started yourself). */
export function createServiceClient(options: CreateServiceClientOptions): TwofoldServiceClient {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${options.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw Object.assign(new Error(`${method} ${path} → ${res.status} ${json?.code ?? ''} ${json?.detail ?? json?.title ?? ''}`.trim()), { status: res.status, code: json?.code });
    return json as T;
  };
  return {
    request,
    createUser: (o) => request('POST', '/users', o),
    generateCode: ({ type = 'short', ...o }) => request('POST', `/codes/${type}/generate`, { ...o, purpose: 'add_credential', authorize: true }),
    createTransaction: (o) => request('POST', '/transactions', o),
    getTransaction: (o) => request('GET', `/transactions/${encodeURIComponent(o.transactionId)}`),
    listDevices: async (o) => (await request<{ devices: { id: string; type: string; name: string }[] }>('GET', `/users/${encodeURIComponent(o.userId)}/devices`)).devices,
  };
}
