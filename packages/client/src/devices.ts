import type { Device, RenameDeviceResponse } from '@twofold/protocol';
import type { WithSession } from './api/api.js';

export type { Device } from '@twofold/protocol';

/** The signed-in user's devices, oldest first. */
export async function listDevices(options: WithSession): Promise<Device[]> {
  return (await options.api.call('devices.listMine', { token: options.token })).devices;
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
  return options.api.call('devices.renameMine', {
    params: { deviceId: options.deviceId },
    token: options.token,
    body: { name: options.name },
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
  await options.api.call('devices.removeMine', {
    params: { deviceId: options.deviceId },
    query: { confirm: options.confirmLastPasskey ? 'last-passkey' : undefined },
    token: options.token,
  });
}
