/**
 * `@twofold/server/node` — Node adapters: one call mounts a Fetch-standard handler (`twofold.handler`)
 * in `node:http`, Express or connect ({@link toNodeListener}), Fastify ({@link toFastifyPlugin}) or
 * Koa ({@link toKoaMiddleware}) — at its base path whatever prefix the framework strips, whether or
 * not a body parser ran first — or runs a server for it ({@link serve}). Also reads the settings and
 * secret keys the way `twofold serve` does, for hosts of their own. The conversion between
 * IncomingMessage/ServerResponse and Request/Response is `@hono/node-server`'s.
 */
import { createServer, type Server } from 'node:http';

export { FRONT_END_HEADERS } from './front-end.js';
export { createWorkerPinHasher, type WorkerPinHasher, type WorkerPinHasherOptions } from './pin-hasher.js';
export { readSettings, type ReadSettingsOptions, type ServeSettings } from './settings.js';
export { loadSecretKeys, type LoadSecretKeysOptions } from './secrets.js';

import { forwardedClientAddress, type ClientAddressSource } from '../../http/address.js';
import { clientAddress, toNodeListener, type FetchHandler } from './listener.js';
import { handleClientErrors } from './client-errors.js';

export {
  clientAddress,
  toNodeListener,
  type FetchHandler,
  type NodeListener,
  type ToNodeListenerOptions,
  type NodeRequest,
} from './listener.js';
export {
  toFastifyPlugin,
  type FastifyPlugin,
  type ToFastifyPluginOptions,
  type FastifyInstanceLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from './fastify.js';
export { toKoaMiddleware, type KoaContextLike, type KoaMiddleware, type ToKoaMiddlewareOptions } from './koa.js';
export { clientErrorListener, handleClientErrors } from './client-errors.js';

/**
 * The client-address source for `settings` (see `readSettings`): the socket's address, or with
 * `trustedProxies` N > 0 the N-th entry from the right of X-Forwarded-For (falling back to the
 * socket). What `twofold serve` passes as `http.clientAddress`.
 */
export function clientAddressFor(settings: { trustedProxies: number }): ClientAddressSource {
  return settings.trustedProxies > 0 ? forwardedClientAddress({ hops: settings.trustedProxies, fallback: clientAddress }) : clientAddress;
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The Fetch handler for every request (e.g. `twofold.handler`, or your Hono app's `fetch`). */
  handler: FetchHandler;
  /** Port to listen on; `0` for a free one (the resolved `port` says which). */
  port: number;
  /** Interface to bind. Default: all interfaces (Node's default); pass `127.0.0.1` to restrict. */
  hostname?: string;
}

/**
 * A `node:http` server for `handler` ({@link toNodeListener}, with problem+json for malformed and
 * oversized request heads: {@link handleClientErrors}). Listens on `port` and resolves once listening. Rejects with a clear message when the port is
 * taken. `close()` stops accepting, lets in-flight requests finish, then resolves.
 */
export function serve(options: ServeOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = handleClientErrors(createServer(toNodeListener(options.handler)));
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new Error(`Port ${options.port} is already in use. Stop the other process or choose another port (PORT=... or --port).`));
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
