import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { ApiClient } from './api/api.js';
import { getPasskeyAssertion } from './passkeys/passkeys.js';

/** The result of a confirmed transaction: the post-operation context the backend attached. */
export interface ConfirmedTransaction<C = unknown> {
  status: 'approved';
  context: C;
}

/**
 * Confirms a step-up transaction (e.g. "View card PIN") with a passkey, or with the user's PIN
 * when `pin` is given and the transaction allows it. Resolves with the context, which the
 * server releases only this once.
 * @param options.onMessage shows the server's message for the transaction before the prompt.
 * @throws TwofoldClientError — `TRANSACTION_EXPIRED`, `TRANSACTION_DECIDED`, `TRANSACTION_NOT_FOUND`,
 *   `PIN_INVALID` (`problem.attemptsRemaining`), `PIN_LOCKED`, `PIN_NOT_ALLOWED`, `CANCELLED`, ...
 */
export async function confirmTransaction<C = unknown>(
  api: ApiClient,
  options: { transactionId: string; token: string; pin?: string; signal?: AbortSignal; onMessage?: (message: string) => void },
): Promise<ConfirmedTransaction<C>> {
  const path = `/transactions/${encodeURIComponent(options.transactionId)}`;
  if (options.pin !== undefined) {
    return api.request('POST', `${path}/confirm`, { token: options.token, body: { pin: options.pin }, signal: options.signal });
  }
  const { ceremonyId, message, options: request } = await api.request<{
    ceremonyId: string;
    message: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }>('POST', `${path}/options`, { token: options.token, signal: options.signal });
  options.onMessage?.(message);
  const response = await getPasskeyAssertion(request, options.signal);
  return api.request('POST', `${path}/confirm`, { token: options.token, body: { ceremonyId, response } });
}

/** Declines a transaction (the user cancelled); the server records the denial. */
export function denyTransaction(api: ApiClient, options: { transactionId: string; token: string }): Promise<{ status: 'denied' }> {
  return api.request('POST', `/transactions/${encodeURIComponent(options.transactionId)}/deny`, { token: options.token });
}

/**
 * Sets the signed-in user's PIN (4-12 digits). Replacing one needs a passkey, face or code
 * sign-in from the last 5 minutes (`REAUTHENTICATION_REQUIRED`).
 */
export async function setPin(api: ApiClient, options: { token: string; pin: string }): Promise<void> {
  await api.request<void>('PUT', '/me/pin', { token: options.token, body: { pin: options.pin } });
}

/** PIN sign-in. @throws `PIN_INVALID` (`problem.attemptsRemaining`), `PIN_LOCKED`, `PIN_NOT_SET`, `RATE_LIMITED` */
export function signInWithPin(api: ApiClient, options: { userId: string; pin: string }): Promise<{ token: string }> {
  return api.request('POST', '/pin/verify', { body: { userId: options.userId, pin: options.pin } });
}
