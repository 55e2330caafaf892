import { TwofoldClientError, type ClientErrorCode, type Device, type Problem } from '@twofold/client';

/**
 * The pages' calls to the bank's own backend (demo/server.ts, routes under `/bank`). Plain
 * same-origin fetches: the page holds no key — the bank calls Twofold in-process. Where the
 * bank must know which customer is asking, the page sends the customer's Twofold session token.
 * Errors come back as problem+json and are thrown as a `TwofoldClientError` with its `code`.
 */
async function bank<T>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/bank${path}`, {
      method,
      headers: {
        ...(method !== 'GET' && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    throw new TwofoldClientError('NETWORK_ERROR', 'The bank cannot be reached.', { cause: error });
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const problem = (data ?? {}) as Problem; // the bank answers errors in the Twofold API's shape
    const code: ClientErrorCode = typeof problem.code === 'string' ? problem.code : 'NETWORK_ERROR';
    throw new TwofoldClientError(code, typeof problem.detail === 'string' ? problem.detail : `HTTP ${res.status}`, { status: res.status, problem });
  }
  return data as T;
}

/** The support console's staff routes (demo only: a real bank puts them behind a staff login). */
const customer = (userId: string) => `/support/users/${encodeURIComponent(userId)}`;

export const backend = {
  retrieveUser: (username: string) =>
    bank<{ userId: string; username: string; displayName: string; createdAt: string }>('POST', '/support/users/retrieve', { body: { username } }),
  devices: async (userId: string) => (await bank<{ devices: Device[] }>('GET', `${customer(userId)}/devices`)).devices,
  deleteDevice: (userId: string, deviceId: string) => bank<void>('DELETE', `${customer(userId)}/devices/${encodeURIComponent(deviceId)}`),
  generateCode: (userId: string, type: 'short' | 'long' | 'link', ttlSeconds: number, requireFace: boolean) =>
    bank<{ code: string; expiresAt: string; link?: string; requireFace?: true }>('POST', `${customer(userId)}/codes`, {
      body: { type, ttlSeconds, requireFace },
    }),
  /**
   * The client state of the customer's enrolled face, which the bank hands to the app recovering
   * on a new device; null when no face is enrolled.
   */
  faceClientState: async (userId: string) =>
    (await bank<{ clientState: string | null }>('GET', `${customer(userId)}/face-client-state`)).clientState,
  /** The customer's recent recovery flows (state only; the handles stay in the customer's browser). */
  recoveries: async (userId: string) =>
    (
      await bank<{ flows: { kind: 'credential_reset' | 'new_device'; status: string; step: string; pinReset: boolean; createdAt: string; expiresAt: string }[] }>(
        'GET',
        `${customer(userId)}/recovery`,
      )
    ).flows,
  cancelRecoveries: (userId: string) => bank<{ cancelled: number }>('POST', `${customer(userId)}/recovery/cancel`),
  invalidateCodes: (userId: string) => bank<{ invalidated: number }>('POST', `${customer(userId)}/codes/invalidate`),
  /**
   * "View card PIN": the bank knows the customer from their session token, looks the PIN up and
   * starts a transaction with it as the post-operation context; Twofold hands it to the app only
   * after the customer confirms.
   */
  startViewCardPin: (sessionToken: string) => bank<{ transactionId: string; expiresAt: string }>('POST', '/card-pin', { token: sessionToken }),
};
