import type { Device, ListDevicesResponse, RenameDeviceRequest, RenameDeviceResponse } from '@twofold/protocol';
import type { WithSession } from './api/api.js';

export type { Device } from '@twofold/protocol';

/** The signed-in user's devices, oldest first. */
export async function listDevices(options: WithSession): Promise<Device[]> {
  return (await options.api.request<ListDevicesResponse>('GET', '/me/devices', { token: options.token })).devices;
}

/** Options of {@link renameDevice} (`twofold.devices.rename`). */
export interface RenameDeviceOptions {
  /** One of the signed-in user's devices. */
  deviceId: string;
  /** The new name (1-64 characters). */
  name: string;
}

/** Renames one of the signed-in user's devices. @throws `DEVICE_NOT_FOUND` */
export function renameDevice(options: WithSession<RenameDeviceOptions>): Promise<RenameDeviceResponse> {
  return options.api.request('PATCH', `/me/devices/${encodeURIComponent(options.deviceId)}`, {
    token: options.token,
    body: { name: options.name } satisfies RenameDeviceRequest,
  });
}

/** Options of {@link removeDevice} (`twofold.devices.remove`). */
export interface RemoveDeviceOptions {
  /** One of the signed-in user's devices. */
  deviceId: string;
  /** The user confirmed removing their only passkey although no recovery method is set up. */
  confirmLastPasskey?: boolean;
}

/**
 * Removes one of the signed-in user's devices; its passkey (or face state) stops working. Needs
 * a passkey sign-in from the last 5 minutes.
 * @throws `DEVICE_NOT_FOUND`, `REAUTHENTICATION_REQUIRED`, `LAST_PASSKEY` (the only passkey, no
 * face backup, and no `confirmLastPasskey`)
 */
export async function removeDevice(options: WithSession<RemoveDeviceOptions>): Promise<void> {
  const confirm = options.confirmLastPasskey ? '?confirm=last-passkey' : '';
  await options.api.request<void>('DELETE', `/me/devices/${encodeURIComponent(options.deviceId)}${confirm}`, { token: options.token });
}
