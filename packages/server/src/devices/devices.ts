import { actor, type ActorOption, changeWithEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/index.js';
import type { FaceTemplateRecord } from '../face/store.js';
import type { PasskeyRecord } from '../passkeys/store.js';
import type { Store } from '../store.js';
import type { Device, PasskeyInfo } from '@twofold/protocol';
import { authenticatorModel } from './authenticators.js';
import type { DeviceRecord } from './store.js';

export type { Device } from '@twofold/protocol';

const toDevice = (d: DeviceRecord, p?: PasskeyRecord, f?: FaceTemplateRecord): Device => ({
  id: d.id,
  type: d.type,
  name: d.name,
  createdAt: d.createdAt.toISOString(),
  lastUsedAt: d.lastUsedAt?.toISOString() ?? null,
  ...(f?.expiresAt && { expiresAt: f.expiresAt.toISOString() }),
  ...(p && { passkey: passkeyInfo(p) }),
});

/** What a device list says about a passkey: its model (from the AAGUID) and whether it is synced. */
const passkeyInfo = (p: PasskeyRecord): PasskeyInfo => {
  const model = authenticatorModel(p.aaguid);
  return {
    credentialId: p.credentialId,
    aaguid: p.aaguid,
    ...(model && { authenticator: model }),
    // WebAuthn §6.1.3: BE is fixed at creation; it is what SimpleWebAuthn calls credentialDeviceType.
    credentialDeviceType: p.backupEligible ? 'multiDevice' : 'singleDevice',
    backupEligible: p.backupEligible,
    backedUp: p.backedUp,
    transports: p.transports,
  };
};

export interface ListDevicesOptions {
  userId: string;
}

export interface RenameDeviceOptions extends ActorOption {
  userId: string;
  deviceId: string;
  name: string;
}

export interface RemoveDeviceOptions extends ActorOption {
  userId: string;
  deviceId: string;
  /**
   * Refuse (`LAST_PASSKEY`) to remove the user's only passkey while no recovery method (a
   * `backup` face device) is in place. The user's own route sets it unless the user confirmed
   * explicitly; a backend acting during recovery may leave it off. Default false.
   */
  keepLastPasskey?: boolean;
}

/**
 * Lists a user's devices, oldest first. An expired `temporary` face state is left out (the
 * sweep deletes it). Throws `USER_NOT_FOUND`.
 */
export async function listDevices(ctx: TwofoldContext, options: ListDevicesOptions): Promise<Device[]> {
  await requireUser(ctx, options.userId);
  const [devices, passkeys, faces] = await Promise.all([
    ctx.store.listDevices(options.userId),
    ctx.store.listPasskeys(options.userId),
    ctx.store.listFaceTemplates(options.userId, ctx.now()),
  ]);
  const passkeyOf = new Map(passkeys.map((p) => [p.deviceId, p]));
  const faceOf = new Map(faces.map((f) => [f.deviceId, f]));
  return devices.filter((d) => d.type === 'passkey' || faceOf.has(d.id)).map((d) => toDevice(d, passkeyOf.get(d.id), faceOf.get(d.id)));
}

/**
 * Applies `change` to one of the user's devices in a transaction and records `type` for it.
 * Throws `DEVICE_NOT_FOUND` when the device is not the user's (or vanished meanwhile).
 */
async function changeDevice(
  ctx: TwofoldContext,
  options: RemoveDeviceOptions,
  type: 'device.renamed' | 'device.removed',
  change: (tx: Store, device: DeviceRecord) => Promise<{ changed: boolean; data: Record<string, unknown> }>,
): Promise<void> {
  await changeWithEvent(ctx, async (tx) => {
    const device = await tx.getDevice(options.userId, options.deviceId);
    const result = device && (await change(tx, device));
    if (!result?.changed) throw new TwofoldError('DEVICE_NOT_FOUND', 'No such device for this user.');
    return {
      type,
      userId: options.userId,
      deviceId: options.deviceId,
      actor: options.actor ?? actor.system,
      data: result.data,
    };
  });
}

/** Renames a device. Throws `DEVICE_NOT_FOUND`. */
export async function renameDevice(ctx: TwofoldContext, options: RenameDeviceOptions): Promise<Device> {
  await changeDevice(ctx, options, 'device.renamed', async (tx, device) => ({
    changed: await tx.renameDevice(options.userId, options.deviceId, options.name),
    data: { from: device.name, to: options.name },
  }));
  const devices = await listDevices(ctx, { userId: options.userId });
  return devices.find((d) => d.id === options.deviceId)!;
}

/**
 * Removes a device and its credential, and revokes the sessions it signed in (and those carried
 * forward from them). Removing the last passkey is allowed unless `keepLastPasskey` (the user's
 * own route sets it): a backend may do it during recovery.
 * Throws `DEVICE_NOT_FOUND`, `LAST_PASSKEY`.
 */
export async function removeDevice(ctx: TwofoldContext, options: RemoveDeviceOptions): Promise<void> {
  await changeDevice(ctx, options, 'device.removed', async (tx, device) => {
    if (options.keepLastPasskey && device.type === 'passkey') {
      const others = (await tx.listDevices(options.userId)).filter((d) => d.id !== device.id);
      if (!others.some((d) => d.type === 'passkey' || d.type === 'backup')) {
        throw new TwofoldError(
          'LAST_PASSKEY',
          'This is your only passkey and no recovery method is set up: removing it needs an explicit confirmation.',
        );
      }
    }
    const changed = await tx.deleteDevice(device.userId, device.id);
    // Sessions that device signed in end with it (in the same transaction as the removal).
    const sessionsRevoked = changed ? await ctx.tokens.revoke({ userId: device.userId, deviceId: device.id }, tx) : 0;
    return { changed, data: { type: device.type, name: device.name, sessionsRevoked } };
  });
  ctx.tokens.forget(options.userId); // committed: drop what this process cached meanwhile
}
