import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import { actor, newEvent, recordEvent, type AuditEvent } from '../audit/audit.js';
import { beginCeremony, consumeCeremony } from '../ceremonies/ceremonies.js';
import { ceremonyNotFound } from '../ceremonies/errors.js';
import {
  canSealCeremonies,
  openSealedCeremony,
  parseSealedCeremonyId,
  releaseSealedCeremony,
  sealCeremony,
  sealedCeremonyIsFor,
  useSealedCeremony,
  type SealedCeremony,
} from '../ceremonies/sealed.js';
import type { TwofoldContext } from '../context.js';
import { authenticatorModel } from '../devices/authenticators.js';
import { deviceNameFromUserAgent } from '../devices/device-name.js';
import { TwofoldError } from '../errors.js';
import { requireStepUp, type MintedToken, type SessionClaims } from '../tokens/tokens.js';
import type { DeviceRecord } from '../devices/store.js';
import { StoreConflictError } from '../storage/conflict.js';
import type { Store } from '../storage/store.js';
import type { UserRecord } from '../users/store.js';
import type { PasskeyRecord } from './store.js';
import { insertUserOrThrow, newUserId, normalizeUsername, requireUser } from '../users/users.js';
import { fromBase64Url, randomId } from '../util/encoding.js';
import type { AuthMethod, CeremonyResult, CredentialHint, GetAcceptedCredentialsResponse } from '@twofold/protocol';

export type { CeremonyResult } from '@twofold/protocol';


/**
 * Sign up a new user (`username`), or add a passkey to an existing one (`userId`, already
 * authenticated); `hints` say which kind of authenticator to offer first.
 */
export type StartPasskeyRegistrationOptions = ({ username: string; displayName?: string } | { userId: string }) & WithHints;

/**
 * An automatic passkey upgrade (conditional create, WebAuthn L3 §5.1.3 with
 * `mediation: 'conditional'`) for a host that signed the user in its own way (a password, say):
 * the browser may then create a passkey in the password manager the user just used, with no
 * prompt. The host backend starts it for the user it signed in and finishes it with
 * {@link verifyPasskeyUpgrade}; no HTTP route does either.
 */
export interface StartPasskeyUpgradeOptions extends WithHints {
  userId: string;
}

export interface VerifyPasskeyUpgradeOptions {
  ceremonyId: string;
  response: RegistrationResponseJSON;
  /** The user the host signed in; must be the ceremony's. */
  userId: string;
  /** Device name; default: the authenticator model, else from `userAgent`. */
  name?: string;
  userAgent?: string | null;
}

/** WebAuthn L3 §5.4 / §5.5 `hints` for the browser, most preferred first (it may ignore them). */
export interface WithHints {
  /** e.g. `['security-key']` on an "Add a security key" button, `['client-device']` for "this device", `['hybrid']` for "a phone". */
  hints?: CredentialHint[];
}

export interface VerifyPasskeyRegistrationOptions {
  ceremonyId: string;
  response: RegistrationResponseJSON;
  /** Device name; default: guessed from `userAgent`. */
  name?: string;
  userAgent?: string | null;
  /** The signed-in user, required when the ceremony adds a passkey to an existing account. */
  sessionUserId?: string | null;
  /**
   * The verified session adding the passkey: it must pass the step-up rule (`requireStepUp`),
   * and the returned token carries its factors and their times forward — registering a passkey
   * is not a passkey sign-in, so it never mints a fresh `amr: ["passkey"]`.
   */
  session?: SessionClaims | null;
}

export interface StartPasskeyAuthenticationOptions extends WithHints {
  /** Lists this user's credentials; omit for discoverable-credential sign-in and autofill. */
  username?: string;
  /**
   * Passkey as a second factor after the host's own first factor: only this user's credentials
   * are allowed, and `verifyAuthentication` accepts no other (host backends only; `username`
   * must then be absent). Throws `USER_NOT_FOUND` for an unknown id: the host knows its users.
   */
  userId?: string;
}

export interface VerifyPasskeyAuthenticationOptions {
  ceremonyId: string;
  response: AuthenticationResponseJSON;
}

// WebAuthn §5.4.6 / §5.8.6: we require discoverable credentials (username-less sign-in and
// autofill need them) and user verification (a passkey is then a two-factor credential).
const authenticatorSelection = { residentKey: 'required', requireResidentKey: true, userVerification: 'required' } as const;

/**
 * Starts passkey registration. Either signs up a new user (`username`; only while open
 * registration is on; the user is created only when the ceremony completes, so an abandoned
 * sign-up leaves nothing behind), or adds a passkey for the signed-in `userId`.
 * Throws `USERNAME_TAKEN`, `REGISTRATION_CLOSED`, `USER_NOT_FOUND`.
 */
export async function startPasskeyRegistration(
  ctx: TwofoldContext,
  options: StartPasskeyRegistrationOptions,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  let user: UserRecord;
  let newUser: boolean;
  if ('userId' in options) {
    user = await requireUser(ctx, options.userId);
    newUser = false;
  } else {
    if (!ctx.openRegistration) throw new TwofoldError('REGISTRATION_CLOSED', 'Sign-up from the browser is turned off.');
    const username = normalizeUsername(options.username);
    if (await ctx.store.getUserByUsername(username)) throw new TwofoldError('USERNAME_TAKEN', 'That username is taken.');
    user = { id: newUserId(), username, displayName: options.displayName?.trim() || username, createdAt: ctx.now() };
    newUser = true;
  }
  return startRegistration(ctx, user, newUser, {}, { ...(options.hints && { hints: options.hints }) });
}

/**
 * Starts an automatic passkey upgrade for a user the host signed in (see
 * {@link StartPasskeyUpgradeOptions}): options for `navigator.credentials.create()` with
 * `mediation: 'conditional'` (the client's `upgradeToPasskey`). Throws `USER_NOT_FOUND`.
 */
export async function startPasskeyUpgrade(
  ctx: TwofoldContext,
  options: StartPasskeyUpgradeOptions,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const user = await requireUser(ctx, options.userId);
  return startRegistration(ctx, user, false, { via: 'upgrade' }, { automatic: true, ...(options.hints && { hints: options.hints }) });
}

/**
 * Completes an automatic passkey upgrade. The authenticator may have set neither user presence
 * nor user verification (conditional create, WebAuthn L3 §5.1.3): this ceremony — and only this
 * one — accepts that at registration; every later sign-in with the passkey still needs UV. No
 * session token is issued: the host's own sign-in stands. Throws `CHALLENGE_NOT_FOUND`,
 * `CHALLENGE_EXPIRED`, `CEREMONY_MISMATCH`, `UNAUTHENTICATED` (another user's ceremony),
 * `REGISTRATION_FAILED`, `CREDENTIAL_ALREADY_REGISTERED`.
 */
export async function verifyPasskeyUpgrade(ctx: TwofoldContext, options: VerifyPasskeyUpgradeOptions): Promise<{ userId: string; deviceId: string }> {
  const ceremony = await consumeCeremony(ctx, options.ceremonyId, 'registration');
  if (ceremony.data.via !== 'upgrade') throw new TwofoldError('CEREMONY_MISMATCH', 'This is not a passkey upgrade ceremony.');
  if (ceremony.userId !== options.userId) throw new TwofoldError('UNAUTHENTICATED', 'This upgrade was started for another user.');
  const { userId, deviceId } = await completeRegistration(ctx, {
    ceremony: { ...ceremony, userId: ceremony.userId },
    response: options.response,
    ...(options.name !== undefined && { name: options.name }),
    userAgent: options.userAgent ?? null,
    amr: null,
  });
  return { userId, deviceId };
}

/** How {@link startRegistration} shapes the options. */
export interface RegistrationShape extends WithHints {
  /** A passkey device the new credential replaces (left out of excludeCredentials). */
  replacing?: string;
  /** Conditional create: user verification `preferred` instead of `required` (see `automatic`). */
  automatic?: boolean;
}

/**
 * The origins a WebAuthn response may come from (WebAuthn §7.1 step 9, §7.2 step 13): the RP's
 * own page origins and its related origins (WebAuthn L3 §5.11), which `/.well-known/webauthn`
 * lists so that browsers let those pages use this RP ID.
 */
const expectedOrigins = (ctx: TwofoldContext): string[] => [...ctx.rp.origins, ...ctx.rp.relatedOrigins];

/**
 * The related-origins document of WebAuthn L3 §5.11.1 (`GET /.well-known/webauthn` on the RP
 * ID's host): `{origins}` with the configured related origins. Throws `NOT_FOUND` when none are
 * configured (browsers then allow only the RP ID's own origins, which is the safe default).
 */
export function relatedOriginsDocument(ctx: TwofoldContext): { origins: string[] } {
  if (ctx.rp.relatedOrigins.length === 0) throw new TwofoldError('NOT_FOUND', 'No related origins are configured.');
  return { origins: [...ctx.rp.relatedOrigins] };
}

/** Adds `hints` to options `@simplewebauthn/server` generated (it has no such argument for a list). */
function withHints<T extends { hints?: CredentialHint[] }>(options: T, hints: CredentialHint[] | undefined): T {
  return hints?.length ? { ...options, hints: [...hints] } : options;
}

/**
 * Shared by sign-up, add-a-passkey, add-with-code and recovery flows: options + ceremony record.
 * `shape.replacing` names a passkey device the new credential replaces (left out of
 * excludeCredentials, so the same authenticator may register again); `shape.hints` go to the browser.
 */
export async function startRegistration(
  ctx: TwofoldContext,
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

/**
 * Completes passkey registration: verifies the attestation with `@simplewebauthn/server`, then
 * in one transaction creates the user (sign-up), the device, the passkey and audit events.
 * `sessionUserId` must be the ceremony's user when adding to an existing account.
 * Throws `CHALLENGE_NOT_FOUND`, `CHALLENGE_EXPIRED`, `REGISTRATION_FAILED`,
 * `CREDENTIAL_ALREADY_REGISTERED`, `USERNAME_TAKEN`, `UNAUTHENTICATED`.
 */
export async function verifyPasskeyRegistration(
  ctx: TwofoldContext,
  options: VerifyPasskeyRegistrationOptions,
): Promise<CeremonyResult> {
  const ceremony = await consumeCeremony(ctx, options.ceremonyId, 'registration');
  const data = ceremony.data as { newUser: boolean; username: string; displayName: string; via?: string };
  if (data.via !== undefined) throw new TwofoldError('CEREMONY_MISMATCH', 'Finish this ceremony on its own route.');
  if (data.newUser) return completeRegistration(ctx, { ...options, ceremony: { ...ceremony, userId: ceremony.userId! }, amr: ['passkey'] });
  const session = options.session;
  if (!session || session.userId !== ceremony.userId || (options.sessionUserId != null && options.sessionUserId !== session.userId)) {
    throw new TwofoldError('UNAUTHENTICATED', 'Adding a passkey needs the session of the account it is for.');
  }
  requireStepUp(session, ctx.now(), 'Adding a passkey');
  return completeRegistration(ctx, {
    ...options,
    ceremony: { ...ceremony, userId: ceremony.userId! },
    amr: session.amr,
    authTimes: session.authTimes,
    ...(session.recoveredAt && { recoveredAt: session.recoveredAt }),
    sessionId: session.sessionId, // not a new sign-in: the token ends with the session it came from
    via: 'passkey',
  });
}

/** Verifies a consumed registration ceremony and writes everything it creates, atomically. */
export async function completeRegistration(
  ctx: TwofoldContext,
  options: {
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
  },
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
        data: { name: device.name, aaguid: passkey.aaguid, backupEligible: passkey.backupEligible, via: automatic ? 'upgrade' : (options.via ?? options.amr?.at(-1)) },
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

export interface GetAcceptedCredentialsOptions {
  userId: string;
}

/**
 * What the browser's Signal API needs for this user (WebAuthn L3 §5.1.10.2-3): the credential
 * ids the server accepts and the names authenticators should show. Throws `USER_NOT_FOUND`.
 */
export async function getAcceptedCredentials(ctx: TwofoldContext, options: GetAcceptedCredentialsOptions): Promise<GetAcceptedCredentialsResponse> {
  const [user, passkeys] = await Promise.all([requireUser(ctx, options.userId), ctx.store.listPasskeys(options.userId)]);
  return {
    rpId: ctx.rp.id,
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    credentialIds: passkeys.map((p) => p.credentialId),
  };
}

/**
 * Starts passkey sign-in. With `username`, the options list that user's credentials; without,
 * they list none, for discoverable-credential sign-in and autofill (conditional mediation).
 * An unknown username gets the same shape of answer as a known one, so it reveals nothing.
 */
export async function startPasskeyAuthentication(
  ctx: TwofoldContext,
  options: StartPasskeyAuthenticationOptions = {},
): Promise<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  let userId: string | null = null;
  let allow: PasskeyRecord[] = [];
  if (options.userId !== undefined) {
    if (options.username !== undefined) throw new TypeError('startAuthentication: give username or userId, not both');
    userId = (await requireUser(ctx, options.userId)).id;
    allow = await ctx.store.listPasskeys(userId);
  } else if (options.username !== undefined) {
    const user = await ctx.store.getUserByUsername(normalizeUsername(options.username));
    if (user) {
      userId = user.id;
      allow = await ctx.store.listPasskeys(user.id);
    }
  }
  const named = options.username !== undefined || options.userId !== undefined;
  // With secret keys (always, when serving) the ceremony is stateless: nothing is written here.
  const sealed = canSealCeremonies(ctx) ? await sealCeremony(ctx, { named, userId }) : null;
  const requestOptions = withHints(
    await generateAuthenticationOptions({
      rpID: ctx.rp.id,
      timeout: ctx.ceremonyTtlSeconds * 1000,
      userVerification: 'required',
      allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
      ...(sealed && { challenge: fromBase64Url(sealed.challenge) }),
    }),
    options.hints,
  );
  if (sealed) return { ceremonyId: sealed.id, options: requestOptions };
  const ceremony = await beginCeremony(ctx, {
    kind: 'authentication',
    challenge: requestOptions.challenge,
    userId,
    // `username`: the credential must be one of `allow` (WebAuthn §7.2 step 5), for either kind of named user.
    data: { username: named, allow: allow.map((p) => p.credentialId) },
  });
  return { ceremonyId: ceremony.id, options: requestOptions };
}

/**
 * Completes passkey sign-in: checks the ceremony and that the credential may answer it, verifies
 * the assertion, and records the use (the ceremony's single use, the signature counter, the
 * device, the event and the new session) in one durable write.
 * Throws `CHALLENGE_NOT_FOUND`, `CHALLENGE_EXPIRED`, `CEREMONY_MISMATCH`, `CREDENTIAL_NOT_FOUND`,
 * `USER_HANDLE_MISMATCH`, `AUTHENTICATION_FAILED`, `COUNTER_REGRESSION`.
 */
export async function verifyPasskeyAuthentication(
  ctx: TwofoldContext,
  options: VerifyPasskeyAuthenticationOptions,
): Promise<CeremonyResult> {
  const { response } = options;
  const signIn = {
    event: { type: 'user.signed_in', data: { method: 'passkey' } },
    // Signed before the write and released only if it succeeds; its session is inserted by the
    // same statement as the counter, device and event (one durable write per sign-in).
    session: (p: PasskeyRecord) => ctx.tokens.mint({ userId: p.userId, amr: ['passkey'], deviceId: p.deviceId }),
  } as const;
  const sealedId = parseSealedCeremonyId(options.ceremonyId);
  let result: { passkey: PasskeyRecord; minted?: MintedToken };
  if (sealedId) {
    // A stateless ceremony: no round trip for it, and a returning credential comes from memory.
    const ceremony = await openSealedCeremony(ctx, sealedId);
    try {
      const passkey = await ctx.passkeyCache.get(response.id);
      // WebAuthn §7.2 step 5 for a named ceremony: the credential must be that user's.
      const isFor = ceremony.named && passkey !== null && (await sealedCeremonyIsFor(ctx, ceremony, passkey.userId));
      result = await verifyAssertion(ctx, {
        ceremony: { challenge: ceremony.challenge, singleUse: ceremony },
        passkey,
        response,
        allowed: ceremony.named ? () => isFor : null,
        ...signIn,
      });
    } catch (error) {
      releaseSealedCeremony(ctx, ceremony, error);
      throw error;
    }
  } else {
    // Independent reads, in parallel: they sit on every sign-in's path.
    const [ceremony, passkey] = await Promise.all([
      consumeCeremony(ctx, options.ceremonyId, 'authentication'),
      ctx.passkeyCache.get(response.id),
    ]);
    const allow = (ceremony.data.allow as string[] | undefined) ?? [];
    result = await verifyAssertion(ctx, {
      ceremony,
      passkey,
      response,
      allowed: ceremony.data.username ? listedFor(ceremony.userId, allow) : null,
      ...signIn,
    });
  }
  return { userId: result.passkey.userId, deviceId: result.passkey.deviceId, token: result.minted!.token };
}

/**
 * WebAuthn §7.2 step 5 for a stored ceremony's `allowCredentials`: the credential was listed,
 * and is still `userId`'s (a freed credential id can be registered again on another account).
 */
export const listedFor = (userId: string | null, allow: readonly string[]) => (passkey: PasskeyRecord) =>
  passkey.userId === userId && allow.includes(passkey.credentialId);

type AuthenticationInfo = VerifiedAuthenticationResponse['authenticationInfo'];

/** What {@link verifyAssertion} checks and records. */
export interface VerifyAssertionOptions {
  /** The challenge; `singleUse`: a stateless ceremony's marker, written with the use (or the refusal). */
  ceremony: { challenge: string; singleUse?: Pick<SealedCeremony, 'marker' | 'markerExpiresAt'> };
  passkey: PasskeyRecord | null;
  response: AuthenticationResponseJSON;
  /** With `allowCredentials` in the options: whether this credential was allowed. `null`: none were listed. */
  allowed: ((passkey: PasskeyRecord) => boolean) | null;
  event: { type: AuditEvent['type']; data: Record<string, unknown> };
  /** Mints the sign-in's token; its (new) session is written with the use. */
  session?: (passkey: PasskeyRecord) => Promise<MintedToken>;
}

/**
 * Verifies an assertion for a checked ceremony and records the use: credential checks (WebAuthn
 * §7.2 steps 5-6), `@simplewebauthn/server` verification, then one atomic write that marks a
 * stateless ceremony used, moves the counter (§6.1.1), touches the device, appends `event` and
 * — with `session` — opens the minted token's new session. The minted token is returned only if
 * that write succeeded. Shared by sign-in and transaction confirmation.
 */
export async function verifyAssertion(ctx: TwofoldContext, o: VerifyAssertionOptions): Promise<{ passkey: PasskeyRecord; minted?: MintedToken }> {
  let passkey: PasskeyRecord;
  let info: AuthenticationInfo;
  let minting: Promise<MintedToken> | undefined;
  try {
    passkey = checkCredential(o);
    // The token is signed while the signature is checked (both are crypto off the main thread);
    // it is handed out only if the checks pass and the write below commits.
    minting = o.session?.(passkey);
    minting?.catch(() => {});
    info = await checkSignature(ctx, o, passkey);
  } catch (error) {
    // A refused attempt uses a stateless ceremony up as well (a stored one was consumed to get
    // here), unless it was used already: then that is the answer (CHALLENGE_NOT_FOUND).
    if (o.ceremony.singleUse && error instanceof TwofoldError) await useSealedCeremony(ctx, o.ceremony.singleUse);
    throw error;
  }
  const event = newEvent(ctx, {
    ...o.event,
    userId: passkey.userId,
    deviceId: passkey.deviceId,
    actor: actor.user(passkey.userId),
  });
  const minted = await minting;
  if (minted?.carried) throw new TypeError('verifyAssertion: a sign-in opens a new session');
  const outcome = await ctx.store.recordPasskeyUse({
    credentialId: passkey.credentialId,
    deviceId: passkey.deviceId,
    newCounter: info.newCounter,
    backedUp: info.credentialBackedUp,
    usedAt: event.at,
    ...(o.ceremony.singleUse && { ceremony: { marker: o.ceremony.singleUse.marker, expiresAt: o.ceremony.singleUse.markerExpiresAt } }),
    event,
    ...(minted && { session: minted.session }),
  });
  if (outcome === 'ceremony_used') throw ceremonyNotFound();
  if (outcome === 'refused') {
    // Deleted, re-registered (another device), or the counter did not move forward: read it again.
    ctx.passkeyCache.forget(passkey.credentialId);
    const stored = await ctx.store.getPasskeyByCredentialId(passkey.credentialId);
    if (!stored || stored.deviceId !== passkey.deviceId) throw new TwofoldError('CREDENTIAL_NOT_FOUND', 'This passkey is not registered here.');
    await counterRegression(ctx, stored, info.newCounter);
  }
  ctx.notify([event]);
  return { passkey, ...(minted && { minted }) };
}

/** WebAuthn §7.2 steps 5-6, for {@link verifyAssertion}: the credential may answer this ceremony. */
function checkCredential(o: VerifyAssertionOptions): PasskeyRecord {
  const { passkey, response } = o;
  // WebAuthn §7.2 step 5: with allowCredentials, the credential must be one of them.
  if (!passkey || (o.allowed && !o.allowed(passkey))) {
    throw new TwofoldError('CREDENTIAL_NOT_FOUND', 'This passkey is not registered here.');
  }
  // WebAuthn §7.2 step 6: the user handle, when given (always, for discoverable sign-in),
  // must be the credential's owner; without allowCredentials it must be given.
  if (response.response.userHandle ? response.response.userHandle !== passkey.userId : !o.allowed) {
    throw new TwofoldError('USER_HANDLE_MISMATCH', 'The passkey does not belong to this account.');
  }
  return passkey;
}

/** The rest of WebAuthn §7.2 (client data, authenticator data, signature) by `@simplewebauthn/server`. */
async function checkSignature(ctx: TwofoldContext, o: VerifyAssertionOptions, passkey: PasskeyRecord): Promise<AuthenticationInfo> {
  const { response } = o;
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: o.ceremony.challenge,
      expectedOrigin: expectedOrigins(ctx),
      expectedRPID: ctx.rp.id,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        // The counter rule (§6.1.1) is decided by the write, against the counter stored at that
        // moment: 0 here turns off the library's check of a value read earlier (or cached).
        counter: 0,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    throw new TwofoldError('AUTHENTICATION_FAILED', `The passkey assertion was not accepted: ${messageOf(error)}`, {}, { cause: error });
  }
  if (!verification.verified) throw new TwofoldError('AUTHENTICATION_FAILED', 'The passkey assertion was not accepted.');
  return verification.authenticationInfo;
}

/** Records a signature-counter regression (a sign of a cloned authenticator) and refuses. */
async function counterRegression(ctx: TwofoldContext, passkey: PasskeyRecord, assertedCounter: number): Promise<never> {
  const event = await recordEvent(ctx, ctx.store, {
    type: 'passkey.counter_regression',
    userId: passkey.userId,
    deviceId: passkey.deviceId,
    actor: actor.system,
    data: { storedCounter: passkey.counter, assertedCounter },
  });
  ctx.notify([event]);
  throw new TwofoldError(
    'COUNTER_REGRESSION',
    'The authenticator signature counter went backwards; this passkey may have been cloned.',
  );
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
