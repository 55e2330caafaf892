/**
 * `@twofold/server/node` — Node adapter: serves a Fetch-standard handler with `node:http`; reads
 * the settings and secret keys the way `twofold serve` does, for hosts of their own. The conversion between
 * IncomingMessage/ServerResponse and Request/Response is `@hono/node-server`'s.
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';

export { FRONT_END_HEADERS } from './front-end.js';
export { createWorkerPinHasher, type WorkerPinHasher, type WorkerPinHasherOptions } from './pin-hasher.js';
export { readSettings, type ReadSettingsOptions, type ServeSettings } from '../../cli/settings.js';
export { loadSecretKeys, type LoadSecretKeysOptions } from '../../cli/secrets.js';
export { mountTestClock, type MountTestClockOptions } from '../../cli/test-clock.js';

import { forwardedClientAddress, type ClientAddressSource } from '../../http/address.js';

const addresses = new WeakMap<Request, string>();

/**
 * The socket address a request came from, for requests served by {@link toNodeListener}. Pass
 * it as `http.clientAddress` to `createTwofold` for per-address rate limits. Behind a proxy
 * this is the proxy's address: pass your own function that reads your proxy's header instead.
 */
export function clientAddress(req: Request): string | undefined {
  return addresses.get(req);
}

/**
 * The client-address source for `settings` (see `readSettings`): the socket's address, or with
 * `trustedProxies` N > 0 the N-th entry from the right of X-Forwarded-For (falling back to the
 * socket). What `twofold serve` passes as `http.clientAddress`.
 */
export function clientAddressFor(settings: { trustedProxies: number }): ClientAddressSource {
  return settings.trustedProxies > 0 ? forwardedClientAddress({ hops: settings.trustedProxies, fallback: clientAddress }) : clientAddress;
}

/** A `node:http` request listener for `handler` (mount it in `http.createServer` or Express). */
export function toNodeListener(handler: (req: Request) => Promise<Response> | Response) {
  return getRequestListener((req, env) => {
    const address = env.incoming.socket.remoteAddress;
    if (address) addresses.set(req, address);
    return handler(req);
  });
}

export interface ServeOptions {
  handler: (req: Request) => Promise<Response> | Response;
  port: number;
  /** Interface to bind. Default: all interfaces (Node's default); pass `127.0.0.1` to restrict. */
  hostname?: string;
}

/**
 * Listens on `port` and resolves once listening. Rejects with a clear message when the port is
 * taken. `close()` stops accepting, lets in-flight requests finish, then resolves.
 */
export function serve(options: ServeOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer(toNodeListener(options.handler));
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${options.port} is already in use. Stop the other process or choose another port (PORT=... or --port).`));
      else if (error.code === 'EACCES') reject(new Error(`No permission to listen on port ${options.port}.`));
      else reject(error);
    });
    server.listen(options.port, options.hostname, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            // Requests still running after 10 s are cut, so shutdown always finishes.
            setTimeout(() => server.closeAllConnections(), 10_000).unref();
          }),
      });
    });
  });
}
