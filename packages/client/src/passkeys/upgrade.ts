import {
  getBrowserCapabilities,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { abortPendingCeremony } from './passkeys.js';

/** Options of {@link upgradeToPasskey}. */
export interface UpgradeToPasskeyOptions {
  /** The options of an upgrade ceremony your backend started (`twofold.passkeys.startUpgrade({ userId })`). */
  optionsJSON: PublicKeyCredentialCreationOptionsJSON;
  /** Aborting it withdraws the offer (resolves null). */
  signal?: AbortSignal;
}

/**
 * Automatic passkey upgrade (conditional create, WebAuthn L3 §5.1.3 `mediation: 'conditional'`):
 * call it right after your own sign-in (a password the browser's password manager filled in).
 * The browser may then create a passkey in that password manager without a prompt. Resolves
 * with the response for your backend to finish (`twofold.passkeys.verifyUpgrade`), or null when
 * nothing was created — the browser has no conditional create, declined (no recent password,
 * the user has opted out, ...), or `signal` aborted. It never throws for those: an upgrade is an
 * offer, not a step the user must pass.
 */
export async function upgradeToPasskey(options: UpgradeToPasskeyOptions): Promise<RegistrationResponseJSON | null> {
  if (typeof globalThis.PublicKeyCredential === 'undefined') return null;
  try {
    if ((await getBrowserCapabilities()).conditionalCreate !== 'supported') return null;
  } catch {
    return null;
  }
  if (options.signal?.aborted) return null;
  const onAbort = () => abortPendingCeremony();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await startRegistration({ optionsJSON: options.optionsJSON, useAutoRegister: true });
  } catch {
    return null;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
