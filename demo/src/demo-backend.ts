import { createApiClient } from '@twofold/client';
import type {
  CancelRecoveriesResponse,
  CodeType,
  CreateTransactionResponse,
  GenerateCodeResponse,
  InvalidateCodesResponse,
  ListDevicesResponse,
  ListRecoveriesResponse,
  RetrieveUserResponse,
} from '@twofold/protocol';

/**
 * The pages' calls to the bank's own backend (demo/server.ts, routes under `/bank`). Plain
 * same-origin requests through the client's JSON transport: the page holds no key — the bank
 * calls Twofold in-process. Where the bank must know which customer is asking, the page sends the
 * customer's Twofold session token. Errors come back as problem+json and are thrown as a
 * `TwofoldClientError` with its `code`.
 */
const api = createApiClient({ baseUrl: '/bank' });
// Every call but a GET carries a JSON body: the bank refuses others, since a page on another
// origin cannot send JSON without a CORS preflight.
const bank = <T>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<T> =>
  api.request<T>(method, path, { ...options, ...(method !== 'GET' && { body: options.body ?? {} }) });

/** The support console's staff routes (demo only: a real bank puts them behind a staff login). */
const customer = (userId: string) => `/support/users/${encodeURIComponent(userId)}`;

export const backend = {
  retrieveUser: (username: string) => bank<RetrieveUserResponse>('POST', '/support/users/retrieve', { body: { username } }),
  devices: async (userId: string) => (await bank<ListDevicesResponse>('GET', `${customer(userId)}/devices`)).devices,
  deleteDevice: (userId: string, deviceId: string) => bank<void>('DELETE', `${customer(userId)}/devices/${encodeURIComponent(deviceId)}`),
  generateCode: (userId: string, type: CodeType, ttlSeconds: number, requireFace: boolean) =>
    bank<GenerateCodeResponse>('POST', `${customer(userId)}/codes`, {
      body: { type, ttlSeconds, requireFace },
    }),
  /**
   * The client state of the customer's enrolled face, which the bank hands to the app recovering
   * on a new device; null when no face is enrolled.
   */
  faceClientState: async (userId: string) =>
    (await bank<{ clientState: string | null }>('GET', `${customer(userId)}/face-client-state`)).clientState,
  /** The customer's recent recovery flows (state only; the handles stay in the customer's browser). */
  recoveries: async (userId: string) => (await bank<ListRecoveriesResponse>('GET', `${customer(userId)}/recovery`)).flows,
  cancelRecoveries: (userId: string) => bank<CancelRecoveriesResponse>('POST', `${customer(userId)}/recovery/cancel`),
  invalidateCodes: (userId: string) => bank<InvalidateCodesResponse>('POST', `${customer(userId)}/codes/invalidate`),
  /**
   * "View card PIN": the bank knows the customer from their session token, looks the PIN up and
   * starts a transaction with it as the post-operation context; Twofold hands it to the app only
   * after the customer confirms.
   */
  startViewCardPin: (sessionToken: string) => bank<CreateTransactionResponse>('POST', '/card-pin', { token: sessionToken }),
};
