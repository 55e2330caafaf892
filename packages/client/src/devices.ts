import type { ApiClient } from './api/api.js';

/** A device bound to the user, as the server lists it. */
export interface Device {
  id: string;
  type: 'passkey' | 'backup' | 'temporary';
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  passkey?: { credentialId: string; aaguid: string; backupEligible: boolean; backedUp: boolean; transports: string[] };
}

/** The signed-in user's devices, oldest first. */
export async function listDevices(api: ApiClient, options: { token: string }): Promise<Device[]> {
  return (await api.request<{ devices: Device[] }>('GET', '/me/devices', { token: options.token })).devices;
}

/** Renames one of the signed-in user's devices. @throws `DEVICE_NOT_FOUND` */
export function renameDevice(api: ApiClient, options: { token: string; deviceId: string; name: string }): Promise<Device> {
  return api.request<Device>('PATCH', `/me/devices/${encodeURIComponent(options.deviceId)}`, {
    token: options.token,
    body: { name: options.name },
  });
}

/** Removes one of the signed-in user's devices; its passkey stops working. @throws `DEVICE_NOT_FOUND` */
export async function deleteDevice(api: ApiClient, options: { token: string; deviceId: string }): Promise<void> {
  await api.request<void>('DELETE', `/me/devices/${encodeURIComponent(options.deviceId)}`, { token: options.token });
}
