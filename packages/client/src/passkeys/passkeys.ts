import {
  WebAuthnAbortService,
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { ApiClient } from '../api/api.js';
import { TwofoldClientError } from '../errors.js';

/** What every successful ceremony returns. */
export interface SessionResult {
  userId: string;
  deviceId: string;
  /** Session token (ES256 JWT) for `Authorization: Bearer` on user routes. */
  token: string;
}

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
    return new TwofoldClientError('AUTHENTICATOR_ALREADY_REGISTERED', 'This device already has a passkey for this account.', { cause: error });
  }
  if (e?.code === 'ERROR_INVALID_DOMAIN' || e?.code === 'ERROR_INVALID_RP_ID' || e?.name === 'SecurityError') {
    return new TwofoldClientError('INVALID_DOMAIN', `This page's address cannot use passkeys for this server: ${message}`, { cause: error });
  }
  if (e?.name === 'NotAllowedError') {
    return new TwofoldClientError('CANCELLED', 'The passkey prompt was dismissed or timed out.', { cause: error });
  }
  if (e?.name === 'NotSupportedError') return new TwofoldClientError('NOT_SUPPORTED', message, { cause: error });
  return new TwofoldClientError('AUTHENTICATOR_ERROR', message, { cause: error });
}

/** Runs `navigator.credentials.create()` with shared abort handling; errors get stable codes. */
export async function createPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON, signal?: AbortSignal) {
  if (!isPasskeySupported()) throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not support passkeys.');
  const unlink = linkSignal(signal);
  try {
    return await startRegistration({ optionsJSON });
  } catch (error) {
    throw toClientError(error);
  } finally {
    unlink();
  }
}

/** Runs `navigator.credentials.get()` with shared abort handling; errors get stable codes. */
export async function getPasskeyAssertion(optionsJSON: PublicKeyCredentialRequestOptionsJSON, signal?: AbortSignal, autofill = false) {
  if (!isPasskeySupported()) throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not support passkeys.');
  if (autofill && !(await isAutofillSupported())) {
    throw new TwofoldClientError('NOT_SUPPORTED', 'This browser does not offer passkeys in autofill.');
  }
  const unlink = linkSignal(signal);
  try {
    return await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  } catch (error) {
    throw toClientError(error);
  } finally {
    unlink();
  }
}

type Ceremony<O> = { ceremonyId: string; options: O };

/**
 * Signs up a new user with a passkey (the server must allow open registration).
 * @throws TwofoldClientError — `USERNAME_TAKEN`, `CANCELLED`, `ABORTED`, `REGISTRATION_CLOSED`, ...
 */
export async function signUpWithPasskey(
  api: ApiClient,
  options: { username: string; displayName?: string; deviceName?: string; signal?: AbortSignal },
): Promise<SessionResult> {
  const { ceremonyId, options: creation } = await api.request<Ceremony<PublicKeyCredentialCreationOptionsJSON>>(
    'POST',
    '/passkeys/register/options',
    { body: { username: options.username, ...(options.displayName && { displayName: options.displayName }) }, signal: options.signal },
  );
  const response = await createPasskey(creation, options.signal);
  return api.request<SessionResult>('POST', '/passkeys/register/verify', {
    body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) },
  });
}

/**
 * Adds another passkey to the signed-in user's account (e.g. a second device or security key).
 * @throws TwofoldClientError — `AUTHENTICATOR_ALREADY_REGISTERED`, `CANCELLED`, `INVALID_TOKEN`, ...
 */
export async function addPasskey(
  api: ApiClient,
  options: { token: string; deviceName?: string; signal?: AbortSignal },
): Promise<SessionResult> {
  const { ceremonyId, options: creation } = await api.request<Ceremony<PublicKeyCredentialCreationOptionsJSON>>(
    'POST',
    '/passkeys/register/options',
    { body: {}, token: options.token, signal: options.signal },
  );
  const response = await createPasskey(creation, options.signal);
  return api.request<SessionResult>('POST', '/passkeys/register/verify', {
    body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) },
    token: options.token,
  });
}

/**
 * Signs in with a passkey from a button. With `username` the browser offers only that
 * account's passkeys; without, any passkey for this site (discoverable credentials).
 * Starting it cancels a pending autofill request.
 * @throws TwofoldClientError — `CANCELLED`, `ABORTED`, `CREDENTIAL_NOT_FOUND`, `CHALLENGE_EXPIRED`, ...
 */
export async function signInWithPasskey(
  api: ApiClient,
  options: { username?: string; signal?: AbortSignal } = {},
): Promise<SessionResult> {
  const { ceremonyId, options: request } = await api.request<Ceremony<PublicKeyCredentialRequestOptionsJSON>>(
    'POST',
    '/passkeys/authenticate/options',
    { body: options.username ? { username: options.username } : {}, signal: options.signal },
  );
  const response = await getPasskeyAssertion(request, options.signal);
  return api.request<SessionResult>('POST', '/passkeys/authenticate/verify', { body: { ceremonyId, response } });
}

/**
 * Offers passkeys in the autofill of an `<input autocomplete="username webauthn">` on the page
 * (conditional mediation). Resolves when the user picks one; call it on page load. It waits
 * quietly until then, and rejects with `ABORTED` when another ceremony starts or `signal` aborts.
 * If the server's challenge expires while waiting it fetches a fresh one, so the field keeps working.
 * @throws TwofoldClientError — `NOT_SUPPORTED` when the browser has no passkey autofill.
 */
export async function signInWithAutofill(api: ApiClient, options: { signal?: AbortSignal } = {}): Promise<SessionResult> {
  for (;;) {
    const { ceremonyId, options: request } = await api.request<Ceremony<PublicKeyCredentialRequestOptionsJSON>>(
      'POST',
      '/passkeys/authenticate/options',
      { body: {}, signal: options.signal },
    );
    let response;
    const started = Date.now();
    try {
      response = await getPasskeyAssertion(request, options.signal, true);
    } catch (error) {
      // The browser's own timeout for a waiting autofill ends in NotAllowedError: start over,
      // unless it failed at once (then it would only spin).
      const waited = Date.now() - started > 10_000;
      if (error instanceof TwofoldClientError && error.code === 'CANCELLED' && waited && !options.signal?.aborted) continue;
      throw error;
    }
    return api.request<SessionResult>('POST', '/passkeys/authenticate/verify', { body: { ceremonyId, response } });
  }
}
