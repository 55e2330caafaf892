import { recordEvent } from '../audit/audit.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/users.js';
import type { DeviceRecord, DeviceType, PasskeyRecord, Store } from '../storage/store.js';

/** A device as the API shows it. Passkey devices carry their authenticator facts. */
export interface Device {
  id: string;
  type: DeviceType;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  passkey?: {
    credentialId: string;
    aaguid: string;
    backupEligible: boolean;
    backedUp: boolean;
    transports: string[];
  };
}

const toDevice = (d: DeviceRecord, p?: PasskeyRecord): Device => ({
  id: d.id,
  type: d.type,
  name: d.name,
  createdAt: d.createdAt.toISOString(),
  lastUsedAt: d.lastUsedAt?.toISOString() ?? null,
  ...(p && {
    passkey: {
      credentialId: p.credentialId,
      aaguid: p.aaguid,
      backupEligible: p.backupEligible,
      backedUp: p.backedUp,
      transports: p.transports,
    },
  }),
});

/** Lists a user's devices, oldest first. Throws `USER_NOT_FOUND`. */
export async function listDevices(ctx: TwofoldContext, options: { userId: string }): Promise<Device[]> {
  await requireUser(ctx, options.userId);
  const [devices, passkeys] = await Promise.all([
    ctx.store.listDevices(options.userId),
    ctx.store.listPasskeys(options.userId),
  ]);
  const byDevice = new Map(passkeys.map((p) => [p.deviceId, p]));
  return devices.map((d) => toDevice(d, byDevice.get(d.id)));
}

/**
 * Applies `change` to one of the user's devices in a transaction and records `type` for it.
 * Throws `DEVICE_NOT_FOUND` when the device is not the user's (or vanished meanwhile).
 */
async function changeDevice(
  ctx: TwofoldContext,
  options: { userId: string; deviceId: string; actor: string },
  type: 'device.renamed' | 'device.removed',
  change: (tx: Store, device: DeviceRecord) => Promise<{ changed: boolean; data: Record<string, unknown> }>,
): Promise<void> {
  const event = await ctx.store.transaction(async (tx) => {
    const device = await tx.getDevice(options.userId, options.deviceId);
    const result = device && (await change(tx, device));
    if (!result?.changed) throw new TwofoldError('DEVICE_NOT_FOUND', 'No such device for this user.');
    return recordEvent(ctx, tx, { type, userId: options.userId, deviceId: options.deviceId, actor: options.actor, data: result.data });
  });
  ctx.notify([event]);
}

/** Renames a device. Throws `DEVICE_NOT_FOUND`. */
export async function renameDevice(
  ctx: TwofoldContext,
  options: { userId: string; deviceId: string; name: string; actor: string },
): Promise<Device> {
  await changeDevice(ctx, options, 'device.renamed', async (tx, device) => ({
    changed: await tx.renameDevice(options.userId, options.deviceId, options.name),
    data: { from: device.name, to: options.name },
  }));
  const devices = await listDevices(ctx, { userId: options.userId });
  return devices.find((d) => d.id === options.deviceId)!;
}

/**
 * Removes a device and its credential. Removing the last passkey is allowed (a backend may do
 * it during recovery); hosts that want to forbid it can check `listDevices` first.
 * Throws `DEVICE_NOT_FOUND`.
 */
export async function deleteDevice(
  ctx: TwofoldContext,
  options: { userId: string; deviceId: string; actor: string },
): Promise<void> {
  await changeDevice(ctx, options, 'device.removed', async (tx, device) => ({
    changed: await tx.deleteDevice(options.userId, options.deviceId),
    data: { type: device.type, name: device.name },
  }));
}
