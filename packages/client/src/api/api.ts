import {
  ROUTES,
  fillPath,
  type Problem,
  type RouteAuthOf,
  type RouteBody,
  type RouteName,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
} from '@twofold/protocol';
import { TwofoldClientError } from '../errors.js';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Where the Twofold API is mounted. Default `/api/v1` on the page's origin. */
  baseUrl?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Options of one {@link ApiClient.request} (the untyped transport). */
export interface ApiRequestOptions {
  /** The JSON body (a `…Request` type of `@twofold/protocol`). */
  body?: unknown;
  /** A session token (user routes) or an API key (service routes), sent as `Authorization: Bearer`. */
  token?: string | null;
  signal?: AbortSignal;
}

type IsNever<T> = [T] extends [never] ? true : false;

/** The `token` a route takes: required for session and service routes, optional where a session is optional, none otherwise. */
type TokenOption<A> = A extends { kind: 'session' }
  ? {
      /** The session token (`Authorization: Bearer`). */
      token: string;
    }
  : A extends { kind: 'service' }
    ? {
        /** An API key holding the route's scope (`Authorization: Bearer`): backends only. */
        token: string;
      }
    : A extends { kind: 'optional-session' }
      ? {
          /** A session token, when the call is made for the signed-in user. */
          token?: string | null;
        }
      : { token?: never };

/**
 * Options of one {@link ApiClient.call} of route `K`, from the route table of
 * `@twofold/protocol` (`ROUTES[K]`): its path parameters (`params`, required when the path has
 * any), its JSON body (`body`, required when the route reads one, absent otherwise), its query,
 * and the token its auth kind needs.
 */
export type ApiCallOptions<K extends RouteName> = (keyof RouteParams<K> extends never
  ? { params?: never }
  : {
      /** The path's `:name` parameters (URL-encoded by the client). */
      params: RouteParams<K>;
    }) &
  (IsNever<RouteBody<K>> extends true
    ? { body?: never }
    : {
        /** The JSON body, typed by the route table. */
        body: RouteBody<K>;
      }) &
  (IsNever<RouteQuery<K>> extends true
    ? { query?: never }
    : {
        /** Query parameters; undefined ones are left out. */
        query?: RouteQuery<K>;
      }) &
  TokenOption<RouteAuthOf<K>> & {
    signal?: AbortSignal;
  };

/** The arguments of {@link ApiClient.call} after the route name: the options, optional when nothing in them is required. */
// biome-ignore lint/complexity/noBannedTypes: `{} extends T` is the test for "every option is optional"
export type ApiCallArgs<K extends RouteName> = {} extends ApiCallOptions<K> ? [options?: ApiCallOptions<K>] : [options: ApiCallOptions<K>];

/**
 * A thin JSON client for the Twofold HTTP API; errors become {@link TwofoldClientError}s.
 */
export interface ApiClient {
  /**
   * Calls a route of the API by its name in the route table of `@twofold/protocol` (`ROUTES`):
   * the method and path come from the table, and the type checker holds the call to it — an
   * unknown name, a missing path parameter or a body that drifts from the table does not compile.
   * Resolves with the route's response body (`undefined` for a 204).
   * @example const { token } = await api.call('pins.verify', { body: { userId, pin, deviceProof } });
   * @example await api.call('devices.renameMine', { params: { deviceId }, body: { name }, token });
   */
  call<K extends RouteName>(route: K, ...args: ApiCallArgs<K>): Promise<RouteResponse<K>>;
  /**
   * The untyped transport under {@link ApiClient.call}: any method and path (relative to
   * `baseUrl`, query string included), resolving with the body typed `T` as the caller asserts,
   * or `undefined` for a 204. Kept for compatibility and for JSON endpoints that are not Twofold
   * routes (e.g. a host's own backend); for Twofold routes prefer `call`, which is checked.
   */
  request<T>(method: string, path: string, options?: ApiRequestOptions): Promise<T>;
}

/** What every plain function of this package needs on top of its own options: the API to call. */
export type WithApi<O = unknown> = O & {
  /** The Twofold API ({@link createApiClient}; `twofold.api` of a client). */
  api: ApiClient;
};

/** {@link WithApi}, plus the signed-in user's session token (user routes). */
export type WithSession<O = unknown> = WithApi<O> & {
  /** The session token of a successful ceremony (`twofold.session.token`). */
  token: string;
};

/** Creates an {@link ApiClient}. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = (options.baseUrl ?? '/api/v1').replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const client: ApiClient = {
    async call<K extends RouteName>(name: K, ...[o]: ApiCallArgs<K>): Promise<RouteResponse<K>> {
      const route = ROUTES[name];
      // Typed by ApiCallOptions<K>; read here through the shape every route's options share.
      const opts = (o ?? {}) as {
        params?: Record<string, string>;
        body?: unknown;
        query?: Record<string, string | undefined>;
        token?: string | null;
        signal?: AbortSignal;
      };
      let path = fillPath(route.path, opts.params);
      if (opts.query) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(opts.query)) if (value !== undefined) query.set(key, value);
        const q = query.toString();
        if (q) path += `?${q}`;
      }
      return client.request<RouteResponse<K>>(route.method, path, {
        ...(opts.body !== undefined && { body: opts.body }),
        ...(opts.token && { token: opts.token }),
        ...(opts.signal && { signal: opts.signal }),
      });
    },
    async request<T>(method: string, path: string, o: ApiRequestOptions = {}) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let res: Response;
      try {
        res = await doFetch(`${base}${path}`, {
          method,
          headers,
          ...(o.body !== undefined && { body: JSON.stringify(o.body) }),
          ...(o.signal && { signal: o.signal }),
        });
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw new TwofoldClientError('ABORTED', 'The request was aborted.', { cause: error });
        throw new TwofoldClientError('NETWORK_ERROR', 'The Twofold server could not be reached.', { cause: error });
      }
      if (res.status === 204) return undefined as T;
      let body: unknown;
      try {
        body = await res.json();
      } catch (error) {
        throw new TwofoldClientError('NETWORK_ERROR', `Unexpected non-JSON answer (HTTP ${res.status}).`, {
          status: res.status,
          cause: error,
        });
      }
      if (!res.ok) {
        // A problem+json body of the Twofold API: its `code` is an ErrorCode by contract.
        const problem = (body ?? {}) as Problem;
        const code = typeof problem.code === 'string' ? problem.code : 'NETWORK_ERROR';
        const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${res.status}`;
        throw new TwofoldClientError(code, detail, { status: res.status, problem });
      }
      return body as T;
    },
  };
  return client;
}
