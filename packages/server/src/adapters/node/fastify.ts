/**
 * Fastify: `app.register(toFastifyPlugin(twofold.handler))`. Structural types only: Fastify is
 * not a dependency of `@twofold/server`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBridge, isUnder, mountMismatch, type FetchHandler, type NodeRequest } from './listener.js';

/** The members of Fastify's request the plugin uses. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  /** Fastify's client address (honours its `trustProxy` option). */
  ip?: string;
  body?: unknown;
}

/** The members of Fastify's reply the plugin uses. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  /** Tells Fastify the handler writes the response itself. */
  hijack(): unknown;
}

/** Fastify's request, payload and reply, whose types are not imported (no fastify dependency): `unknown` would reject its handlers. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type FastifyAny = any;

/** The members of a Fastify instance (the plugin's encapsulated context) the plugin uses (tested with Fastify 5). */
export interface FastifyInstanceLike {
  /** The `prefix` the plugin was registered with (`''` without one). */
  readonly prefix: string;
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(
    contentType: string,
    parser: (request: FastifyAny, payload: FastifyAny, done: (error: Error | null, body?: unknown) => void) => void,
  ): unknown;
  all(path: string, handler: (request: FastifyAny, reply: FastifyAny) => Promise<unknown>): unknown;
}

/** A Fastify plugin (async form), for `app.register(plugin, { prefix? })`. */
export type FastifyPlugin = (instance: FastifyInstanceLike, options: Record<string, unknown>) => Promise<void>;

/** Options of {@link toFastifyPlugin}. */
export interface ToFastifyPluginOptions {
  /**
   * The client address for the rate limits (read by `clientAddress`). Default: the socket's
   * address. Behind a proxy: `(request) => request.ip` with Fastify's `trustProxy`.
   */
  clientAddress?: (request: FastifyRequestLike) => string | undefined;
  /** Told once per distinct mounting problem. Default `console.error`. */
  onError?: (error: Error) => void;
}

/**
 * Serves `handler` (e.g. `twofold.handler`) from Fastify as an encapsulated plugin:
 * `app.register(toFastifyPlugin(twofold.handler))`, or with `{ prefix: '/api/v1' }` (the prefix must
 * be the handler's base path or above it; anything else fails `app.ready()` naming both fixes).
 * It routes every method under the base path to the handler, which sees the URL the client asked
 * for. Inside the plugin (only there) Fastify's body parsers are replaced by a pass-through, so
 * the handler reads the body bytes itself under its own limits, whatever parsers the rest of
 * the app uses.
 */
export function toFastifyPlugin(handler: FetchHandler, options: ToFastifyPluginOptions = {}): FastifyPlugin {
  const bridge = createBridge(handler, options.onError ? { onError: options.onError } : {});
  return async (instance) => {
    const prefix = instance.prefix.replace(/\/+$/, '');
    const base = bridge.base;
    const problem = mountMismatch(
      base,
      prefix,
      "app.register(toFastifyPlugin(twofold.handler), { prefix: '{base}' }), or register it without a prefix",
    );
    if (problem) throw new Error(problem);
    // Routes are relative to the prefix: the base path below it, or everything when the prefix is at or below the base path.
    const below = base === undefined || isUnder(prefix, base) ? '' : base.slice(prefix.length);
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const route = async (request: FastifyRequestLike, reply: FastifyReplyLike) => {
      reply.hijack();
      const raw = request.raw as NodeRequest;
      await bridge.run(raw, reply.raw, { url: raw.url ?? '/', parsed: { body: request.body }, address: options.clientAddress?.(request) });
    };
    instance.all(`${below}/*`, route);
    if (below) instance.all(below, route);
  };
}
