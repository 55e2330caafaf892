import {
  WebAuthnAbortService,
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { CeremonyResult, CredentialHint, VerifyPasskeyAuthenticationRequest } from '@twofold/protocol';
import type { WithApi, WithSession } from '../api/api.js';
import { TwofoldClientError } from '../errors.js';
import { prfResult, takePrfOutput, withPrfInput, type PrfOption, type PrfRequest, type PrfResult } from './prf.js';
import { signalUnknownCredential } from './signals.js';

export type { CredentialHint } from '@twofold/protocol';

/** Whether sign-in signals a credential the server does not know (WebAuthn L3 §5.1.10.1). */
export interface UnknownCredentialOption {
  /** When the server answers `CREDENTIAL_NOT_FOUND`, call `signalUnknownCredential` (feature-detected). Default true. */
  signals?: boolean;
}

/** Hints for the browser (WebAuthn L3 §5.8.7), most preferred first; it may ignore them. */
export interface HintOptions {
  /**
   * `['security-key']` for an "Add a security key" button, `['client-device']` for "this
   * device", `['hybrid']` for "use a phone". Default: none (the browser decides).
   */
  hints?: CredentialHint[];
}

/**
 * What every successful ceremony returns (`CeremonyResult` of `@twofold/protocol`): the user, the
 * device used, and the session token (ES256 JWT) for `Authorization: Bearer` on user routes.
 * PIN and face sessions have no device: `deviceId` is `''`.
 */
export type SessionResult = CeremonyResult;

/** Whether this browser can do WebAuthn at all. */
export const isPasskeySupported = (): boolean => browserSupportsWebAuthn();
/** Whether this browser offers passkeys in input autofill (conditional mediation). */
export const isAutofillSupported = (): Promise<boolean> => browserSupportsWebAuthnAutofill();

/**
 * Cancels whatever WebAuthn ceremony is pending (create or get). Starting a new ceremony does
 * this too, so a button sign-in never collides with a waiting autofill request.
 */
export const abortPendingCeremony = (): void => WebAuthnAbortService.cancelCeremony();

// One AbortSignal for both kinds of ceremony: aborting it cancels the pending browser prompt.
function linkSignal(signal: AbortSignal | undefined) {
  if (!signal) return () => {};
  if (signal.aborted) throw new TwofoldClientError('ABORTED', 'The ceremony was aborted before it started.');
  const onAbort = () => WebAuthnAbortService.cancelCeremony();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Turns browser WebAuthn errors into {@link TwofoldClientError}s with stable codes. */
export function toClientError(error: unknown): TwofoldClientError {
  if (error instanceof TwofoldClientError) return error;
  const e = error as { name?: string; code?: string; message?: string };
  const message = e?.message ?? String(error);
  if (e?.code === 'ERROR_CEREMONY_ABORTED' || e?.name === 'AbortError') {
    return new TwofoldClientError('ABORTED', 'The passkey prompt was cancelled by the page.', { cause: error });
  }
  if (e?.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || e?.name === 'InvalidStateError') {
    return new TwofoldClientError('AUTHENTICATOR_ALREADY_REGISTERED', 'This device already has a passkey for this account.', {
      cause: error,
    });
  }
  if (e?.code === 'ERROR_INVALID_DOMAIN' || e?.code === 'ERROR_INVALID_RP_ID' || e?.name === 'SecurityError') {
    return new TwofoldClientError('INVALID_DOMAIN', `This page's address cannot use passkeys for this server: ${message}`, {
      cause: error,
    });
  }
  if (e?.name === 'NotAllowedError') {
    return new TwofoldClientError('CANCELLED', 'The passkey prompt was dismissed or timed out.', { cause: error });
  }
  if (e?.name === 'NotSupportedError') return new TwofoldClientError('NOT_SUPPORTED', message, { cause: error });
  return new TwofoldClientError('AUTHENTICATOR_ERROR', message, { cause: error });
}

/** Options of {@link createPasskey}. */
export interface CreatePasskeyOptions {
  /** The server's `navigator.credentials.create()` options. */
  optionsJSON: PublicKeyCredentialCreationOptionsJSON;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
  /** Evaluate the PRF extension with this salt. */
  prf?: PrfRequest;
}

/**
 * Runs `navigator.credentials.create()` with shared abort handling; errors get stable codes.
 * Any PRF output is taken out of the response (it must never reach the server) and returned beside it.
 */
export async function createPasskey({ optionsJSON, signal, prf }: CreatePasskeyOptions) {
  if (!isPasskeySupported()) throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not support passkeys.');
  const unlink = linkSignal(signal);
  try {
    const response = await startRegistration({ optionsJSON: withPrfInput(optionsJSON, prf) });
    return { response, prfOutput: takePrfOutput(response) };
  } catch (error) {
    throw toClientError(error);
  } finally {
    unlink();
  }
}

/** Options of {@link getPasskeyAssertion}. */
export interface GetPasskeyAssertionOptions {
  /** The server's `navigator.credentials.get()` options. */
  optionsJSON: PublicKeyCredentialRequestOptionsJSON;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
  /** Offer the passkeys in input autofill (conditional mediation) instead of a modal prompt. */
  autofill?: boolean;
  /** Evaluate the PRF extension with this salt. */
  prf?: PrfRequest;
}

/** Runs `navigator.credentials.get()` with shared abort handling; errors get stable codes. */
export async function getPasskeyAssertion({ optionsJSON, signal, autofill = false, prf }: GetPasskeyAssertionOptions) {
  if (!isPasskeySupported()) throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not support passkeys.');
  if (autofill && !(await isAutofillSupported())) {
    throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not offer passkeys in autofill.');
  }
  const unlink = linkSignal(signal);
  try {
    const response = await startAuthentication({ optionsJSON: withPrfInput(optionsJSON, prf), useBrowserAutofill: autofill });
    return { response, prfOutput: takePrfOutput(response) };
  } catch (error) {
    throw toClientError(error);
  } finally {
    unlink();
  }
}

/** Options of {@link signUp} (`twofold.signUp`). */
export interface SignUpOptions extends HintOptions, PrfOption {
  /** The new account's username (normalised by the server: NFKC, trimmed, lower-cased). */
  username: string;
  /** Shown by authenticators and apps; defaults to the username. */
  displayName?: string;
  /** A name for this passkey device; default: the authenticator model (from its AAGUID), else a guess from the User-Agent. */
  deviceName?: string;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
}

/**
 * Signs up a new user with a passkey (the server must allow open registration).
 * @throws TwofoldClientError — `USERNAME_TAKEN`, `CANCELLED`, `ABORTED`, `REGISTRATION_CLOSED`, ...
 */
export async function signUp(options: WithApi<SignUpOptions>): Promise<SessionResult & PrfResult> {
  const { api } = options;
  const { ceremonyId, options: creation } = await api.call('passkeys.startRegistration', {
    body: {
      username: options.username,
      ...(options.displayName && { displayName: options.displayName }),
      ...(options.hints && { hints: options.hints }),
    },
    signal: options.signal,
  });
  const { response, prfOutput } = await createPasskey({ optionsJSON: creation, signal: options.signal, prf: options.prf });
  const result = await api.call('passkeys.verifyRegistration', {
    body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) },
  });
  return { ...result, ...(await prfResult(prfOutput, options.prf)) };
}

/** Options of {@link addPasskey} (`twofold.addPasskey`). */
export interface AddPasskeyOptions extends HintOptions, PrfOption {
  /** A name for the new passkey device; default: the authenticator model (from its AAGUID), else a guess from the User-Agent. */
  deviceName?: string;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
}

/**
 * Adds another passkey to the signed-in user's account (e.g. a second device or security key).
 * @throws TwofoldClientError — `AUTHENTICATOR_ALREADY_REGISTERED`, `CANCELLED`, `INVALID_TOKEN`, ...
 */
export async function addPasskey(options: WithSession<AddPasskeyOptions>): Promise<SessionResult & PrfResult> {
  const { api, token } = options;
  const { ceremonyId, options: creation } = await api.call('passkeys.startRegistration', {
    body: { ...(options.hints && { hints: options.hints }) },
    token,
    signal: options.signal,
  });
  const { response, prfOutput } = await createPasskey({ optionsJSON: creation, signal: options.signal, prf: options.prf });
  const result = await api.call('passkeys.verifyRegistration', {
    body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) },
    token,
  });
  return { ...result, ...(await prfResult(prfOutput, options.prf)) };
}

/** Options of {@link signIn} (`twofold.signIn`). */
export interface SignInOptions extends HintOptions, UnknownCredentialOption, PrfOption {
  /** Offer only this account's passkeys; without it, any passkey of this site (discoverable credentials). */
  username?: string;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
}

/**
 * Signs in with a passkey from a button. With `username` the browser offers only that
 * account's passkeys; without, any passkey for this site (discoverable credentials).
 * Starting it cancels a pending autofill request.
 * @throws TwofoldClientError — `CANCELLED`, `ABORTED`, `CREDENTIAL_NOT_FOUND`, `CHALLENGE_EXPIRED`, ...
 */
export async function signIn(options: WithApi<SignInOptions>): Promise<SessionResult & PrfResult> {
  const { api } = options;
  const { ceremonyId, options: request } = await api.call('passkeys.startAuthentication', {
    body: { ...(options.username && { username: options.username }), ...(options.hints && { hints: options.hints }) },
    signal: options.signal,
  });
  const { response, prfOutput } = await getPasskeyAssertion({ optionsJSON: request, signal: options.signal, prf: options.prf });
  const result = await verifyAssertion(api, { ceremonyId, response }, unknownSignalRpId(options, request));
  return { ...result, ...(await prfResult(prfOutput, options.prf)) };
}

/**
 * The RP ID to signal an unknown credential for, or null for none: only for discoverable sign-in
 * (no username, no `allowCredentials`), where `CREDENTIAL_NOT_FOUND` can only mean the server has
 * no such passkey at all. With a username the refused passkey may be a valid one of another
 * account — a mistyped or unknown name gets empty `allowCredentials`, so the browser offers every
 * passkey of the site — and signalling it would make the provider delete it.
 */
const unknownSignalRpId = (
  options: UnknownCredentialOption & { username?: string },
  request: PublicKeyCredentialRequestOptionsJSON,
): string | undefined | null => (options.signals === false || options.username || request.allowCredentials?.length ? null : request.rpId);

/**
 * Sends the assertion; when the server does not know the credential (`CREDENTIAL_NOT_FOUND`:
 * removed here, or registered elsewhere), tells the browser so its provider stops offering it
 * (WebAuthn L3 §5.1.10.1), then rethrows.
 */
async function verifyAssertion(
  api: WithApi<object>['api'],
  body: VerifyPasskeyAuthenticationRequest,
  /** The ceremony's RP ID; null: send no signal. */
  rpId: string | undefined | null,
): Promise<SessionResult> {
  try {
    return await api.call('passkeys.verifyAuthentication', { body });
  } catch (error) {
    if (rpId !== null && error instanceof TwofoldClientError && error.code === 'CREDENTIAL_NOT_FOUND') {
      const id = rpId ?? globalThis.location?.hostname;
      if (id) await signalUnknownCredential({ rpId: id, credentialId: body.response.id });
    }
    throw error;
  }
}

/** Options of {@link signInWithAutofill} (`twofold.signInWithAutofill`). */
export interface SignInWithAutofillOptions extends UnknownCredentialOption, PrfOption {
  /** Aborting it stops offering passkeys in autofill (rejects with `ABORTED`). */
  signal?: AbortSignal;
}

/**
 * Offers passkeys in the autofill of an `<input autocomplete="username webauthn">` on the page
 * (conditional mediation). Resolves when the user picks one; call it on page load. It waits
 * quietly until then, and rejects with `ABORTED` when another ceremony starts or `signal` aborts.
 * If the server's challenge expires while waiting it fetches a fresh one, so the field keeps working.
 * @throws TwofoldClientError — `NOT_SUPPORTED` when the browser has no passkey autofill.
 */
export async function signInWithAutofill(options: WithApi<SignInWithAutofillOptions>): Promise<SessionResult & PrfResult> {
  const { api } = options;
  for (;;) {
    const { ceremonyId, options: request } = await api.call('passkeys.startAuthentication', {
      body: {},
      signal: options.signal,
    });
    let assertion;
    const started = Date.now();
    try {
      assertion = await getPasskeyAssertion({ optionsJSON: request, signal: options.signal, autofill: true, prf: options.prf });
    } catch (error) {
      // The browser's own timeout for a waiting autofill ends in NotAllowedError: start over,
      // unless it failed at once (then it would only spin).
      const waited = Date.now() - started > 10_000;
      if (error instanceof TwofoldClientError && error.code === 'CANCELLED' && waited && !options.signal?.aborted) continue;
      throw error;
    }
    const result = await verifyAssertion(api, { ceremonyId, response: assertion.response }, unknownSignalRpId(options, request));
    return { ...result, ...(await prfResult(assertion.prfOutput, options.prf)) };
  }
}
