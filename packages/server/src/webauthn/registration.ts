import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuthMethod, CeremonyResult } from '@twofold/protocol';
import { actor, recordEvent, type AuditEvent } from '../audit/index.js';
import { beginCeremony } from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { authenticatorModel } from '../devices/index.js';
import { deviceNameFromUserAgent } from '../devices/index.js';
import type { DeviceRecord } from '../devices/store.js';
import { TwofoldError } from '../errors.js';
import type { PasskeyRecord } from '../passkeys/store.js';
import { StoreConflictError } from '../db/conflict.js';
import type { Store } from '../store.js';
import { insertUserOrThrow } from '../users/index.js';
import type { UserRecord } from '../users/store.js';
import { fromBase64Url, randomId } from '../util/encoding.js';
import { expectedOrigins, messageOf, withHints, type WithHints } from './common.js';

// WebAuthn §5.4.6 / §5.8.6: we require discoverable credentials (username-less sign-in and
// autofill need them) and user verification (a passkey is then a two-factor credential).
const authenticatorSelection = { residentKey: 'required', requireResidentKey: true, userVerification: 'required' } as const;

/** How {@link startRegistration} shapes the options. */
export interface RegistrationShape extends WithHints {
  /** A passkey device the new credential replaces (left out of excludeCredentials). */
  replacing?: string;
  /** Conditional create: user verification `preferred` instead of `required` (see `automatic`). */
  automatic?: boolean;
}

/** What {@link startRegistration} uses of the context: the user's passkeys, the RP, the ceremony store and clock. */
export type StartRegistrationContext = Pick<TwofoldContext, 'store' | 'rp' | 'now' | 'ceremonyTtlSeconds'>;

/**
 * Shared by sign-up, add-a-passkey, add-with-code and recovery flows: options + ceremony record.
 * `shape.replacing` names a passkey device the new credential replaces (left out of
 * excludeCredentials, so the same authenticator may register again); `shape.hints` go to the browser.
 */
export async function startRegistration(
  ctx: StartRegistrationContext,
  user: UserRecord,
  newUser: boolean,
  extra: Record<string, unknown>,
  shape: RegistrationShape = {},
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const existing = newUser ? [] : (await ctx.store.listPasskeys(user.id)).filter((p) => p.deviceId !== shape.replacing);
  const generated = await generateRegistrationOptions({
    rpName: ctx.rp.name,
    rpID: ctx.rp.id,
    userID: fromBase64Url(user.id),
    userName: user.username,
    userDisplayName: user.displayName,
    timeout: ctx.ceremonyTtlSeconds * 1000,
    attestationType: 'none',
    // WebAuthn §5.4.3 excludeCredentials: stop the same authenticator registering twice.
    excludeCredentials: existing.map((p) => ({
      id: p.credentialId,
      transports: p.transports,
    })),
    authenticatorSelection: shape.automatic ? { ...authenticatorSelection, userVerification: 'preferred' } : authenticatorSelection,
  });
  const creationOptions = withHints(generated, shape.hints);
  const ceremony = await beginCeremony(ctx, {
    kind: 'registration',
    challenge: creationOptions.challenge,
    userId: user.id,
    data: { ...extra, newUser, username: user.username, displayName: user.displayName },
  });
  return { ceremonyId: ceremony.id, options: creationOptions };
}

/** What {@link completeRegistration} checks and writes. */
export interface CompleteRegistrationOptions {
  ceremony: { challenge: string; userId: string; data: Record<string, unknown> };
  response: RegistrationResponseJSON;
  name?: string;
  userAgent?: string | null;
  /**
   * The factors the returned token claims (with `authTimes` when they were performed earlier);
   * null for an automatic upgrade, which issues no token.
   */
  amr: AuthMethod[] | null;
  authTimes?: Partial<Record<AuthMethod, Date>>;
  /** For a recovery flow's bind step (see `IssueTokenOptions.recoveredAt`). */
  recoveredAt?: Date;
  /** The session the returned token carries forward (see `IssueTokenOptions.sessionId`); default a new one. */
  sessionId?: string;
  /** How the passkey was added, for its audit event. Default: the last of `amr`. */
  via?: AuthMethod;
  extraEvents?: (tx: Store, deviceId: string) => Promise<AuditEvent[]>;
}

/** What {@link completeRegistration} uses of the context: the RP, the store and clock, the token service and the event hook. */
export type CompleteRegistrationContext = Pick<TwofoldContext, 'store' | 'rp' | 'now' | 'tokens' | 'notify'>;

/** Verifies a consumed registration ceremony and writes everything it creates, atomically. */
export async function completeRegistration(
  ctx: CompleteRegistrationContext,
  options: CompleteRegistrationOptions,
): Promise<CeremonyResult> {
  const { ceremony } = options;
  const data = ceremony.data as { newUser: boolean; username: string; displayName: string; via?: string };
  // Only a host-started automatic upgrade (conditional create) may lack UP and UV.
  const automatic = data.via === 'upgrade' && options.amr === null;
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: options.response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: expectedOrigins(ctx),
      expectedRPID: ctx.rp.id,
      requireUserPresence: !automatic,
      requireUserVerification: !automatic,
    });
  } catch (error) {
    throw new TwofoldError('REGISTRATION_FAILED', `The authenticator response was not accepted: ${messageOf(error)}`, {}, { cause: error });
  }
  if (!verification.verified) throw new TwofoldError('REGISTRATION_FAILED', 'The authenticator response was not accepted.');
  const info = verification.registrationInfo;
  // The JSON id must be the attested credential id, or a client could label one key as another.
  if (options.response.id !== info.credential.id || options.response.rawId !== info.credential.id) {
    throw new TwofoldError('REGISTRATION_FAILED', 'The credential id does not match the attested credential.');
  }

  const at = ctx.now();
  const device: DeviceRecord = {
    id: randomId(16),
    userId: ceremony.userId,
    type: 'passkey',
    // The authenticator's model names the device best; the User-Agent is only a fallback guess.
    name: options.name?.trim() || authenticatorModel(info.aaguid)?.name || deviceNameFromUserAgent(options.userAgent),
    createdAt: at,
    lastUsedAt: at,
  };
  const passkey: PasskeyRecord = {
    deviceId: device.id,
    userId: ceremony.userId,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: info.credential.transports ?? options.response.response.transports ?? [],
    aaguid: info.aaguid,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
  };
  const who = actor.user(ceremony.userId);
  const events = await ctx.store.transaction(async (tx) => {
    const written: AuditEvent[] = [];
    if (data.newUser) {
      await insertUserOrThrow(tx, { id: ceremony.userId, username: data.username, displayName: data.displayName, createdAt: at });
      written.push(await recordEvent(ctx, tx, { type: 'user.created', userId: ceremony.userId, actor: who }));
    } else if (!(await tx.getUserById(ceremony.userId))) {
      throw new TwofoldError('USER_NOT_FOUND', 'The account was removed during the ceremony.');
    }
    await tx.insertDevice(device);
    try {
      await tx.insertPasskey(passkey);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw new TwofoldError('CREDENTIAL_ALREADY_REGISTERED', 'This passkey is already registered.');
      }
      throw error;
    }
    written.push(
      await recordEvent(ctx, tx, {
        type: 'passkey.added',
        userId: ceremony.userId,
        deviceId: device.id,
        actor: who,
        data: {
          name: device.name,
          aaguid: passkey.aaguid,
          backupEligible: passkey.backupEligible,
          via: automatic ? 'upgrade' : (options.via ?? options.amr?.at(-1)),
        },
      }),
    );
    if (options.extraEvents) written.push(...(await options.extraEvents(tx, device.id)));
    return written;
  });
  ctx.notify(events);
  const token = options.amr
    ? await ctx.tokens.issue({
        userId: ceremony.userId,
        amr: options.amr,
        ...(options.authTimes && { authTimes: options.authTimes }),
        ...(options.recoveredAt && { recoveredAt: options.recoveredAt }),
        ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : { deviceId: device.id }),
      })
    : '';
  return { userId: ceremony.userId, deviceId: device.id, token };
}
