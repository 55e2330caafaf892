import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import { actor, newEvent, recordEvent, type AuditEvent } from '../audit/index.js';
import { ceremonyNotFound } from '../ceremonies/index.js';
import { useSealedCeremony, type SealedCeremony } from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import type { PasskeyRecord } from '../passkeys/store.js';
import type { MintedToken } from '../sessions/index.js';
import { expectedOrigins, messageOf, withHints, type WithHints } from './common.js';

/** What {@link authenticationOptions} builds the options from. */
export interface AuthenticationOptionsInput extends WithHints {
  /** allowCredentials (WebAuthn §5.5): the credentials that may answer; empty for discoverable sign-in. */
  allow: readonly PasskeyRecord[];
  /** The ceremony's timeout in milliseconds. */
  timeout: number;
  /** The challenge, when the caller made it (a stateless ceremony's, a transaction-bound one); default random. */
  challenge?: Parameters<typeof generateAuthenticationOptions>[0]['challenge'];
}

/**
 * Options for `navigator.credentials.get()` with user verification required: `input.allow` as
 * allowCredentials, `input.hints` for the browser. Shared by sign-in and transaction confirmation.
 */
export async function authenticationOptions(
  ctx: Pick<TwofoldContext, 'rp'>,
  input: AuthenticationOptionsInput,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return withHints(
    await generateAuthenticationOptions({
      rpID: ctx.rp.id,
      timeout: input.timeout,
      userVerification: 'required',
      allowCredentials: input.allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
      ...(input.challenge && { challenge: input.challenge }),
    }),
    input.hints,
  );
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
 * What {@link verifyAssertion} uses of the context: the RP, the store and clock, the credential
 * cache (forgotten on a refused use) and the event hook.
 */
export type VerifyAssertionContext = Pick<TwofoldContext, 'store' | 'rp' | 'now' | 'passkeyCache' | 'notify'>;

/**
 * Verifies an assertion for a checked ceremony and records the use: credential checks (WebAuthn
 * §7.2 steps 5-6), `@simplewebauthn/server` verification, then one atomic write that marks a
 * stateless ceremony used, moves the counter (§6.1.1), touches the device, appends `event` and
 * — with `session` — opens the minted token's new session. The minted token is returned only if
 * that write succeeded. Shared by sign-in and transaction confirmation.
 */
export async function verifyAssertion(
  ctx: VerifyAssertionContext,
  o: VerifyAssertionOptions,
): Promise<{ passkey: PasskeyRecord; minted?: MintedToken }> {
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
    if (!stored || stored.deviceId !== passkey.deviceId)
      throw new TwofoldError('CREDENTIAL_NOT_FOUND', 'This passkey is not registered here.');
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
async function checkSignature(
  ctx: Pick<TwofoldContext, 'rp'>,
  o: VerifyAssertionOptions,
  passkey: PasskeyRecord,
): Promise<AuthenticationInfo> {
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
async function counterRegression(
  ctx: Pick<TwofoldContext, 'store' | 'now' | 'notify'>,
  passkey: PasskeyRecord,
  assertedCounter: number,
): Promise<never> {
  const event = await recordEvent(ctx, ctx.store, {
    type: 'passkey.counter_regression',
    userId: passkey.userId,
    deviceId: passkey.deviceId,
    actor: actor.system,
    data: { storedCounter: passkey.counter, assertedCounter },
  });
  ctx.notify([event]);
  throw new TwofoldError('COUNTER_REGRESSION', 'The authenticator signature counter went backwards; this passkey may have been cloned.');
}
