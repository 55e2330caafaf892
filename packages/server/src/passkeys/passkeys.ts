import {
  beginCeremony,
  consumeCeremony,
  canSealCeremonies,
  openSealedCeremony,
  parseSealedCeremonyId,
  releaseSealedCeremony,
  sealCeremony,
  sealedCeremonyIsFor,
} from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireStepUp, type MintedToken, type SessionClaims } from '../sessions/index.js';
import { newUserId, normalizeUsername, requireUser } from '../users/index.js';
import type { UserRecord } from '../users/store.js';
import {
  authenticationOptions,
  completeRegistration,
  listedFor,
  startRegistration,
  verifyAssertion,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type WithHints,
} from '../webauthn/index.js';
import { fromBase64Url } from '../util/encoding.js';
import type { PasskeyRecord } from './store.js';
import type { CeremonyResult, GetAcceptedCredentialsResponse } from '@twofold/protocol';

export type { CeremonyResult } from '@twofold/protocol';
export type { WithHints } from '../webauthn/index.js';

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
export async function verifyPasskeyUpgrade(
  ctx: TwofoldContext,
  options: VerifyPasskeyUpgradeOptions,
): Promise<{ userId: string; deviceId: string }> {
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

/**
 * The related-origins document of WebAuthn L3 §5.11.1 (`GET /.well-known/webauthn` on the RP
 * ID's host): `{origins}` with the configured related origins. Throws `NOT_FOUND` when none are
 * configured (browsers then allow only the RP ID's own origins, which is the safe default).
 */
export function relatedOriginsDocument(ctx: TwofoldContext): { origins: string[] } {
  if (ctx.rp.relatedOrigins.length === 0) throw new TwofoldError('NOT_FOUND', 'No related origins are configured.');
  return { origins: [...ctx.rp.relatedOrigins] };
}

/**
 * Completes passkey registration: verifies the attestation with `@simplewebauthn/server`, then
 * in one transaction creates the user (sign-up), the device, the passkey and audit events.
 * `sessionUserId` must be the ceremony's user when adding to an existing account.
 * Throws `CHALLENGE_NOT_FOUND`, `CHALLENGE_EXPIRED`, `REGISTRATION_FAILED`,
 * `CREDENTIAL_ALREADY_REGISTERED`, `USERNAME_TAKEN`, `UNAUTHENTICATED`.
 */
export async function verifyPasskeyRegistration(ctx: TwofoldContext, options: VerifyPasskeyRegistrationOptions): Promise<CeremonyResult> {
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

export interface GetAcceptedCredentialsOptions {
  userId: string;
}

/**
 * What the browser's Signal API needs for this user (WebAuthn L3 §5.1.10.2-3): the credential
 * ids the server accepts and the names authenticators should show. Throws `USER_NOT_FOUND`.
 */
export async function getAcceptedCredentials(
  ctx: TwofoldContext,
  options: GetAcceptedCredentialsOptions,
): Promise<GetAcceptedCredentialsResponse> {
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
  const requestOptions = await authenticationOptions(ctx, {
    allow,
    timeout: ctx.ceremonyTtlSeconds * 1000,
    ...(sealed && { challenge: fromBase64Url(sealed.challenge) }),
    hints: options.hints,
  });
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
