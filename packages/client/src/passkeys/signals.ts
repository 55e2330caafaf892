import { sendSignal } from '@simplewebauthn/browser';
import type { GetAcceptedCredentialsResponse } from '@twofold/protocol';
import type { WithSession } from '../api/api.js';

/**
 * The WebAuthn Signal API (WebAuthn L3 §5.1.10): the page tells the browser, and through it the
 * user's passkey provider, what the server knows, so that a removed passkey stops being offered
 * and a renamed account shows its new name. Signals are best effort and fire-and-forget: every
 * function here is feature-detected, never throws, and resolves to whether a signal was sent.
 *
 * Support differs by browser (see the client README); where a method is missing nothing is
 * sent. What a provider then does is its own choice (hide the passkey, delete it, update the
 * name); Chromium's virtual authenticator deletes and renames, which the e2e tests check.
 */
type SignalMethod = 'signalUnknownCredential' | 'signalAllAcceptedCredentials' | 'signalCurrentUserDetails';

const supports = (method: SignalMethod): boolean =>
  typeof globalThis.PublicKeyCredential !== 'undefined' &&
  typeof (globalThis.PublicKeyCredential as unknown as Record<string, unknown>)[method] === 'function';

/** Which signals this browser can send. */
export function signalSupport(): Record<'unknownCredential' | 'allAcceptedCredentials' | 'currentUserDetails', boolean> {
  return {
    unknownCredential: supports('signalUnknownCredential'),
    allAcceptedCredentials: supports('signalAllAcceptedCredentials'),
    currentUserDetails: supports('signalCurrentUserDetails'),
  };
}

async function quietly(method: SignalMethod, send: () => Promise<unknown>): Promise<boolean> {
  if (!supports(method)) return false;
  try {
    await send();
    return true;
  } catch {
    return false; // e.g. a related-origin page the browser will not let signal for this RP ID
  }
}

/** Options of {@link signalUnknownCredential}. */
export interface SignalUnknownCredentialOptions {
  /** The RP ID of the ceremony (`rpId` of the request options). */
  rpId: string;
  /** The credential the server does not know (base64url). */
  credentialId: string;
}

/**
 * Tells the browser the server does not know this credential (WebAuthn L3 §5.1.10.1), so its
 * provider can stop offering it. Sign-in sends it when the server answers `CREDENTIAL_NOT_FOUND`.
 */
export function signalUnknownCredential(options: SignalUnknownCredentialOptions): Promise<boolean> {
  return quietly('signalUnknownCredential', () =>
    sendSignal({ signalName: 'unknownCredential', rpID: options.rpId, credentialID: options.credentialId }),
  );
}

/**
 * Fetches what the server accepts for the signed-in user (`GET /me/passkeys`) and signals it:
 * the full list of accepted credential ids (WebAuthn L3 §5.1.10.2: the provider may hide or
 * delete this user's other passkeys for the site) and the user's current names (§5.1.10.3).
 * The client sends it after removing a device, when listing devices (so removals made by the
 * backend reach the authenticator too) and after each sign-in; call it after renaming a user.
 * Resolves to false when the browser has neither signal or the request fails.
 */
export async function syncPasskeySignals(options: WithSession): Promise<boolean> {
  const support = signalSupport();
  if (!support.allAcceptedCredentials && !support.currentUserDetails) return false;
  let state: GetAcceptedCredentialsResponse;
  try {
    state = await options.api.call('passkeys.getAcceptedCredentials', { token: options.token });
  } catch {
    return false;
  }
  return sendPasskeySignals(state);
}

/**
 * Signals `state` (what the server accepts, as `GET /me/passkeys` answers) as
 * {@link syncPasskeySignals} does, without asking the server — for when the session can no longer
 * ask, e.g. right after removing the device it signed in with (which ends that session).
 */
export async function sendPasskeySignals(state: GetAcceptedCredentialsResponse): Promise<boolean> {
  const support = signalSupport();
  if (!support.allAcceptedCredentials && !support.currentUserDetails) return false;
  const [accepted, details] = await Promise.all([
    quietly('signalAllAcceptedCredentials', () =>
      sendSignal({
        signalName: 'allAcceptedCredentials',
        rpID: state.rpId,
        userID: state.userId,
        allAcceptedCredentialIDs: state.credentialIds,
      }),
    ),
    quietly('signalCurrentUserDetails', () =>
      sendSignal({
        signalName: 'currentUserDetails',
        rpID: state.rpId,
        userID: state.userId,
        userName: state.username,
        userDisplayName: state.displayName,
      }),
    ),
  ]);
  return accepted || details;
}
