import type { Problem } from '@twofold/protocol';
import { TwofoldClientError } from '../errors.js';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Where the Twofold API is mounted. Default `/api/v1` on the page's origin. */
  baseUrl?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Options of one {@link ApiClient.request}. */
export interface ApiRequestOptions {
  /** The JSON body (a `…Request` type of `@twofold/protocol`). */
  body?: unknown;
  /** A session token (user routes) or an API key (service routes), sent as `Authorization: Bearer`. */
  token?: string | null;
  signal?: AbortSignal;
}

/**
 * A thin JSON client for the Twofold HTTP API; errors become {@link TwofoldClientError}s.
 * `request<T>` resolves with the body typed `T` (a `…Response` type of `@twofold/protocol`),
 * or `undefined` for a 204.
 */
export interface ApiClient {
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
  return {
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
        throw new TwofoldClientError('NETWORK_ERROR', `Unexpected non-JSON answer (HTTP ${res.status}).`, { status: res.status, cause: error });
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
}
