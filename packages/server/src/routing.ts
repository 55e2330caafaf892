import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { ApiKey, Scope } from './apikeys/index.js';
import type { SessionClaims } from './sessions/index.js';

/**
 * What every module's routes (`<module>/routes.ts`, a Hono sub-app) get from the HTTP layer.
 * Modules never import `http/`: the layer builds a {@link RouteKit} and hands it to them.
 */

/** Variables every request carries (set by the HTTP layer before any route runs). */
export interface TwofoldEnv {
  Variables: {
    /** The client's IP address, for per-address rate limits (undefined only if the host allows it). */
    clientAddress: string | undefined;
    /** The largest body this route accepts, in bytes (set with the body-limit middleware). */
    bodyLimit: number;
  };
}

/** Set by {@link RouteKit.session}: the verified session token. */
export type SessionEnv = { Variables: { session: SessionClaims } };
/** Set by {@link RouteKit.optionalSession}: the verified session token, or null without one. */
export type MaybeSessionEnv = { Variables: { session: SessionClaims | null } };
/** Set by {@link RouteKit.scope}: the service API key that was proven. */
export type ServiceEnv = { Variables: { apiKey: ApiKey } };

export interface RouteKit {
  /** User call: a valid session token is required (401 `UNAUTHENTICATED` / `INVALID_TOKEN`); sets `session`. */
  session: MiddlewareHandler<SessionEnv>;
  /** A session if one is presented (an invalid one is still 401); sets `session` or null. */
  optionalSession: MiddlewareHandler<MaybeSessionEnv>;
  /** Service call: a valid API key holding `scope` (401 / 403 `INSUFFICIENT_SCOPE`); sets `apiKey`. */
  scope(scope: Scope): MiddlewareHandler<ServiceEnv>;
  /**
   * Counts a ceremony start (429 `RATE_LIMITED`): per client address without a session, per
   * user with one (after {@link RouteKit.optionalSession}).
   */
  limitCeremonies: MiddlewareHandler<TwofoldEnv>;
  /** Counts a face check per client address before its frames are read (429 `RATE_LIMITED`). */
  limitFaceChecks: MiddlewareHandler<TwofoldEnv>;
  /**
   * Reads the JSON body, counting its bytes against the route's body limit as they arrive (413
   * `BODY_TOO_LARGE`), and validates it: 415 `UNSUPPORTED_MEDIA_TYPE`, 400 `INVALID_JSON` /
   * `INVALID_REQUEST`. An empty body is `{}`.
   */
  json<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>>;
  /** Validates the query string (one value per name: the first, when a name repeats) against `schema`: 400 `INVALID_REQUEST`. */
  query<S extends z.ZodType>(c: Context, schema: S): z.output<S>;
}
