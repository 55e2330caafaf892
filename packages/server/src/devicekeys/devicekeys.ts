import type { DeviceProof, DeviceProofPurpose } from '@twofold/protocol';
import { calculateJwkThumbprint } from 'jose';
import { actor, changeWithEvent } from '../audit/index.js';
import { beginCeremony, consumeCeremony } from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError, isTwofoldError } from '../errors.js';
import { requireStepUp, type SessionClaims } from '../sessions/index.js';
import { enforceLimits } from '../ratelimits/index.js';
import { fromBase64Url, randomId } from '../util/encoding.js';
import type { DeviceKeyRecord } from './store.js';

export type { DeviceProof, DeviceProofPurpose } from '@twofold/protocol';

/** {@link registerDeviceKey}'s options. */
export interface RegisterDeviceKeyOptions {
  /** A session with a passkey sign-in from the last 5 minutes (or a recovery bind step); its device is the one bound. */
  session: SessionClaims;
  /** The device key's public JWK (ECDSA P-256). */
  publicKey: DeviceKeyRecord['publicJwk'];
}

/** {@link startDeviceProof}'s options. */
export interface StartDeviceProofOptions {
  userId: string;
  purpose: DeviceProofPurpose;
}

/** {@link verifyDeviceProof}'s options. */
export interface VerifyDeviceProofOptions {
  userId: string;
  purpose: DeviceProofPurpose;
  /** What the browser sent; missing is `DEVICE_PROOF_REQUIRED`. */
  proof: DeviceProof | undefined;
}

/** The text a device key signs for a proof (see `@twofold/protocol/schemas` `deviceProof`). */
const deviceProofMessage = (purpose: DeviceProofPurpose, userId: string, challenge: string): string =>
  `twofold-device-proof:v1:${purpose}:${userId}:${challenge}`;

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * Device keys kept per passkey device (one browser profile each; a synced passkey is one device
 * used from several): binding one more drops the one least recently bound or used (the client
 * binds again after every passkey sign-in), so a device's keys stay bounded. A dropped browser
 * binds again at its next passkey sign-in.
 */
const MAX_KEYS_PER_DEVICE = 10;

/**
 * Binds a browser's device key to the passkey device the session signed in with (device binding,
 * issue 13): from then on, PIN checks and credential-reset starts for the user need a signature by
 * one of their device keys over a fresh challenge. Needs the step-up rule (a passkey sign-in at
 * most 5 minutes old, or a recovery bind step). Idempotent; a key seen before is re-bound to this
 * device. A device keeps its {@link MAX_KEYS_PER_DEVICE} most recently bound or used keys; a user
 * may bind 20 a minute, counted once the session may bind. Throws `REAUTHENTICATION_REQUIRED`,
 * `RATE_LIMITED`, `INVALID_REQUEST` (not a P-256 public key, or another user's key).
 */
export async function registerDeviceKey(
  ctx: TwofoldContext,
  options: RegisterDeviceKeyOptions,
): Promise<{ keyId: string; deviceId: string }> {
  const { session } = options;
  requireStepUp(session, ctx.now(), 'Binding a device key');
  const sessionRow = await ctx.store.getSession(session.sessionId);
  const device = sessionRow?.deviceId ? await ctx.store.getDevice(session.userId, sessionRow.deviceId) : null;
  if (device?.type !== 'passkey') {
    throw new TwofoldError('REAUTHENTICATION_REQUIRED', 'Binding a device key needs a session signed in with a passkey on this device.', {
      requiredMethod: 'passkey',
    });
  }
  // Counted only now, for a session allowed to bind: a weaker one cannot spend the owner's binds.
  await enforceLimits([[ctx.limiters.deviceKeyUser, session.userId]]);
  const publicJwk = { kty: 'EC' as const, crv: 'P-256' as const, x: options.publicKey.x, y: options.publicKey.y };
  try {
    await crypto.subtle.importKey('jwk', publicJwk, ECDSA, false, ['verify']);
  } catch {
    throw new TwofoldError('INVALID_REQUEST', 'publicKey: not a P-256 public key', {
      issues: [{ path: 'publicKey', message: 'not a P-256 public key' }],
    });
  }
  const keyId = await calculateJwkThumbprint(publicJwk, 'sha256');
  const now = ctx.now();
  await changeWithEvent(ctx, async (tx) => {
    const bound = await tx.upsertDeviceKey({
      keyId,
      userId: session.userId,
      deviceId: device.id,
      publicJwk,
      createdAt: now,
      lastUsedAt: null,
    });
    if (!bound)
      throw new TwofoldError('INVALID_REQUEST', 'publicKey: this key belongs to another account', {
        issues: [{ path: 'publicKey', message: 'in use' }],
      });
    const dropped = await tx.pruneDeviceKeys({ deviceId: device.id, keep: MAX_KEYS_PER_DEVICE, exceptKeyId: keyId });
    return {
      type: 'device_key.registered',
      userId: session.userId,
      deviceId: device.id,
      actor: actor.user(session.userId),
      data: { keyId, ...(dropped > 0 && { dropped }) },
    };
  });
  return { keyId, deviceId: device.id };
}

/**
 * A fresh challenge for a device-key proof (single use, short-lived). Anyone may ask; unknown and
 * known user ids are answered alike.
 */
export async function startDeviceProof(
  ctx: TwofoldContext,
  options: StartDeviceProofOptions,
): Promise<{ challengeId: string; challenge: string; expiresAt: string }> {
  const challenge = randomId(32);
  const ceremony = await beginCeremony(ctx, {
    kind: 'device_proof',
    challenge,
    userId: options.userId,
    data: { purpose: options.purpose },
    ttlSeconds: 120,
  });
  return { challengeId: ceremony.id, challenge, expiresAt: ceremony.expiresAt.toISOString() };
}

/**
 * Checks a device-key proof, before anything else is counted or looked up: the challenge (consumed,
 * once) was issued for this user and purpose, and one of the user's device keys signed
 * {@link deviceProofMessage}. Throws `DEVICE_PROOF_REQUIRED` without a proof and
 * `DEVICE_PROOF_INVALID` otherwise (an unknown user, an unknown or other user's key, a wrong,
 * expired or used challenge, a bad signature are all answered alike). @returns the key.
 */
export async function verifyDeviceProof(ctx: TwofoldContext, options: VerifyDeviceProofOptions): Promise<DeviceKeyRecord> {
  const { proof } = options;
  if (!proof) {
    throw new TwofoldError(
      'DEVICE_PROOF_REQUIRED',
      'This needs a proof from a device bound to the account: sign in with a passkey on this device first.',
    );
  }
  const invalid = () =>
    new TwofoldError('DEVICE_PROOF_INVALID', 'The device proof was not accepted: sign in with a passkey on this device, then try again.');
  let ceremony;
  try {
    ceremony = await consumeCeremony(ctx, proof.challengeId, 'device_proof');
  } catch (error) {
    if (isTwofoldError(error)) throw invalid();
    throw error;
  }
  if (ceremony.userId !== options.userId || ceremony.data.purpose !== options.purpose) throw invalid();
  const key = await ctx.store.getDeviceKey(proof.keyId);
  if (!key || key.userId !== options.userId) throw invalid();
  let ok = false;
  try {
    const publicKey = await crypto.subtle.importKey('jwk', key.publicJwk, ECDSA, false, ['verify']);
    const message = new TextEncoder().encode(deviceProofMessage(options.purpose, options.userId, ceremony.challenge));
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, fromBase64Url(proof.signature), message);
  } catch {
    ok = false; // malformed signature bytes: refused like a wrong one
  }
  if (!ok) throw invalid();
  await ctx.store.touchDeviceKey(key.keyId, ctx.now());
  return key;
}
