import { TwofoldClientError } from '../errors.js';

export interface ApiClientOptions {
  /** Where the Twofold API is mounted. Default `/api/v1` on the page's origin. */
  baseUrl?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A thin JSON client for the Twofold HTTP API; errors become {@link TwofoldClientError}s. */
export interface ApiClient {
  request<T>(method: string, path: string, options?: { body?: unknown; token?: string | null; signal?: AbortSignal }): Promise<T>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = (options.baseUrl ?? '/api/v1').replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  return {
    async request<T>(method: string, path: string, o: { body?: unknown; token?: string | null; signal?: AbortSignal } = {}) {
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
        const problem = (body ?? {}) as Record<string, unknown>;
        const code = typeof problem.code === 'string' ? problem.code : 'NETWORK_ERROR';
        const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${res.status}`;
        throw new TwofoldClientError(code, detail, { status: res.status, problem });
      }
      return body as T;
    },
  };
}
