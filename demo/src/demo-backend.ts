import { createApiClient, type Device } from '@twofold/client';

/**
 * The demo's stand-in for a bank's backend. A real backend keeps its service API key on the
 * server; this demo fetches one from the demo server (demo mode only) so that a static page can
 * play the support agent. Never do this with a real key.
 */
let key: Promise<string> | null = null;
const api = createApiClient();

async function supportKey(): Promise<string> {
  key ??= fetch('/demo/config.json').then(async (r) => {
    if (!r.ok) throw new Error('The server is not in demo mode (start it with `pnpm demo`).');
    return ((await r.json()) as { supportApiKey: string }).supportApiKey;
  });
  return key;
}

const service = async <T>(method: string, path: string, body?: unknown) =>
  api.request<T>(method, path, { token: await supportKey(), ...(body !== undefined && { body }) });

export const backend = {
  retrieveUser: (username: string) =>
    service<{ userId: string; username: string; displayName: string; createdAt: string }>('POST', '/users/retrieve', { username }),
  devices: async (userId: string) => (await service<{ devices: Device[] }>('GET', `/users/${encodeURIComponent(userId)}/devices`)).devices,
  deleteDevice: (userId: string, deviceId: string) =>
    service<void>('DELETE', `/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(deviceId)}`),
  generateCode: (userId: string, type: 'short' | 'long' | 'link', ttlSeconds: number, requireFace: boolean) =>
    service<{ code: string; expiresAt: string; isAuthorized: boolean; link?: string; requireFace?: true }>('POST', `/codes/${type}/generate`, {
      userId,
      purpose: 'add_credential',
      authorize: true,
      ttlSeconds,
      requireFace,
    }),
  /**
   * The client state of the customer's enrolled face (its backup device), which the bank hands
   * to the app recovering on a new device; null when no face is enrolled.
   */
  faceClientState: async (userId: string): Promise<string | null> => {
    const face = (await backend.devices(userId)).find((d) => d.type === 'backup' || d.type === 'temporary');
    if (!face) return null;
    const path = `/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(face.id)}/client-state`;
    return (await service<{ clientState: string }>('GET', path)).clientState;
  },
  /** The customer's recent recovery flows (state only; the handles stay in the customer's browser). */
  recoveries: async (userId: string) =>
    (
      await service<{ flows: { kind: 'credential_reset' | 'new_device'; status: string; step: string; pinReset: boolean; createdAt: string; expiresAt: string }[] }>(
        'GET',
        `/users/${encodeURIComponent(userId)}/recovery`,
      )
    ).flows,
  cancelRecoveries: (userId: string) => service<{ cancelled: number }>('POST', `/users/${encodeURIComponent(userId)}/recovery/cancel`),
  invalidateCodes: (userId: string) => service<{ invalidated: number }>('POST', '/codes/invalidate-all', { userId }),
  /**
   * "View card PIN": the bank's backend looks the PIN up and starts a transaction with it as the
   * post-operation context; Twofold hands it to the app only after the user confirms.
   */
  startViewCardPin: (userId: string) =>
    service<{ transactionId: string; expiresAt: string }>('POST', '/transactions', {
      userId,
      message: 'Show the PIN of your card •••• 4242',
      context: { cardPin: String(1000 + Math.floor(Math.random() * 9000)) },
      ttlSeconds: 300,
    }),
};
