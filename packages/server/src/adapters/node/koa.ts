/**
 * Koa: `app.use(toKoaMiddleware(twofold.handler))`. Structural types only: Koa is not a
 * dependency of `@twofold/server`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBridge, mountMismatch, pathOf, serves, type FetchHandler, type NodeRequest } from './listener.js';

/** The members of Koa's context the middleware uses (tested with Koa 3). */
export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  /** The URL the client asked for, before `koa-mount` stripped its prefix. */
  originalUrl: string;
  /** `koa-mount`'s prefix, when mounted with it. */
  mountPath?: string | undefined;
  /** Set to `false` here: the handler writes the response itself. */
  respond?: boolean | undefined;
  /** A body parser's result (`@koa/bodyparser`, `koa-bodyparser`: `body` and `rawBody`). */
  request: { body?: unknown; rawBody?: unknown };
  /** Koa's client address (honours `app.proxy`). */
  ip?: string;
}

/** A Koa middleware: `(ctx, next) => Promise`. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown>;

/** Options of {@link toKoaMiddleware}. */
export interface ToKoaMiddlewareOptions {
  /**
   * The client address for the rate limits (read by `clientAddress`). Default: the socket's
   * address. Behind a proxy: `(ctx) => ctx.ip` with `app.proxy = true`.
   */
  clientAddress?: (ctx: KoaContextLike) => string | undefined;
  /** Told once per distinct mounting problem. Default `console.error`. */
  onError?: (error: Error) => void;
}

/**
 * Serves `handler` (e.g. `twofold.handler`) from Koa: `app.use(toKoaMiddleware(twofold.handler))`.
 * Requests under the handler's base path are answered by it (with `ctx.respond = false`: it writes
 * the response); every other request goes on to `next()`. Prefix-aware (`ctx.originalUrl`, so
 * `koa-mount` works at the base path or above it; a mount that cannot reach the base path
 * answers 503 `NOT_CONFIGURED` and logs both fixes) and body-parser-aware (a body
 * `@koa/bodyparser` already read is rebuilt from `ctx.request.rawBody`/`body`, see
 * `toNodeListener`).
 */
export function toKoaMiddleware(handler: FetchHandler, options: ToKoaMiddlewareOptions = {}): KoaMiddleware {
  const bridge = createBridge(handler, options.onError ? { onError: options.onError } : {});
  return async (ctx, next) => {
    const url = ctx.originalUrl;
    if (!serves(bridge.base, pathOf(url))) {
      const problem = ctx.mountPath
        ? mountMismatch(bridge.base, ctx.mountPath, "app.use(mount('{base}', toKoaMiddleware(twofold.handler)))")
        : undefined;
      if (!problem) return next();
      ctx.respond = false;
      return bridge.refuse(ctx.req as NodeRequest, ctx.res, problem);
    }
    ctx.respond = false;
    await bridge.run(ctx.req as NodeRequest, ctx.res, {
      url,
      parsed: { body: ctx.request.body, rawBody: ctx.request.rawBody },
      address: options.clientAddress?.(ctx),
    });
  };
}
