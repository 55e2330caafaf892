import type { ConfirmTransactionRequest, ConfirmTransactionResponse, DenyTransactionResponse, VerifyPinRequest, VerifyPinResponse, DeviceProof } from '@twofold/protocol';
import type { WithApi, WithSession } from './api/api.js';
import { getPasskeyAssertion } from './passkeys/passkeys.js';

/** The result of a confirmed transaction: the post-operation context the backend attached. */
export type ConfirmedTransaction<C = unknown> = ConfirmTransactionResponse<C>;

/** Options of {@link confirmTransaction} (`twofold.transactions.confirm`). */
export interface ConfirmTransactionOptions {
  /** The transaction the backend created (`POST /transactions`). */
  transactionId: string;
  /** Confirm with the user's PIN instead of a passkey (when the transaction allows it). */
  pin?: string;
  /** With `pin`: a proof by this browser's device key (`signDeviceProof`, purpose `transaction`); the client adds it. */
  deviceProof?: DeviceProof;
  /** Aborting it cancels the request or the browser prompt. */
  signal?: AbortSignal;
  /** Shows the server's message for the transaction before the passkey prompt. */
  onMessage?: (message: string) => void;
}

/**
 * Confirms a step-up transaction (e.g. "View card PIN") with a passkey, or with the user's PIN
 * when `pin` is given and the transaction allows it. Resolves with the context, which the
 * server releases only this once.
 * @throws TwofoldClientError — `TRANSACTION_EXPIRED`, `TRANSACTION_DECIDED`, `TRANSACTION_NOT_FOUND`,
 *   `PIN_INVALID` (`problem.attemptsRemaining`), `PIN_LOCKED`, `PIN_NOT_ALLOWED`, `CANCELLED`, ...
 */
export async function confirmTransaction<C = unknown>(options: WithSession<ConfirmTransactionOptions>): Promise<ConfirmedTransaction<C>> {
  const { api, token } = options;
  const params = { id: options.transactionId };
  // The table types the context as `unknown`; `C` is what the caller's backend attached.
  const confirm = async (body: ConfirmTransactionRequest, signal?: AbortSignal) =>
    (await api.call('transactions.confirm', { params, token, body, ...(signal && { signal }) })) as ConfirmedTransaction<C>;
  if (options.pin !== undefined) {
    return confirm({ pin: options.pin, ...(options.deviceProof && { deviceProof: options.deviceProof }) }, options.signal);
  }
  const { ceremonyId, message, options: request } = await api.call('transactions.startConfirmation', { params, token, signal: options.signal });
  options.onMessage?.(message);
  const { response } = await getPasskeyAssertion({ optionsJSON: request, signal: options.signal });
  return confirm({ ceremonyId, response });
}

/** Options of {@link denyTransaction} (`twofold.transactions.deny`). */
export interface DenyTransactionOptions {
  /** The transaction the user declines. */
  transactionId: string;
}

/** Declines a transaction (the user cancelled); the server records the denial. */
export function denyTransaction(options: WithSession<DenyTransactionOptions>): Promise<DenyTransactionResponse> {
  return options.api.call('transactions.deny', { params: { id: options.transactionId }, token: options.token });
}

/** Options of {@link setPin} (`twofold.pin.set`). */
export interface SetPinOptions {
  /** The PIN: 4 to 12 digits, not one digit repeated nor a run like 1234. */
  pin: string;
}

/**
 * Sets the signed-in user's PIN (4-12 digits). Replacing one needs a passkey sign-in (or a
 * recovery flow's bind step) from the last 5 minutes (`REAUTHENTICATION_REQUIRED`).
 */
export async function setPin(options: WithSession<SetPinOptions>): Promise<void> {
  await options.api.call('pins.set', { token: options.token, body: { pin: options.pin } });
}

/** Options of {@link signInWithPin} (`twofold.signInWithPin`). */
export interface SignInWithPinOptions {
  /** The user signing in (e.g. remembered from an earlier sign-in on this device). */
  userId: string;
  pin: string;
  /** A proof by this browser's device key (`signDeviceProof`, purpose `pin`); the client adds it. */
  deviceProof?: DeviceProof;
}

/**
 * PIN sign-in on a bound device. @throws `DEVICE_PROOF_REQUIRED` / `DEVICE_PROOF_INVALID` (this
 * browser is not bound to the account: sign in with a passkey here first), `PIN_INVALID`,
 * `PIN_LOCKED`, `RATE_LIMITED`
 */
export function signInWithPin(options: WithApi<SignInWithPinOptions>): Promise<VerifyPinResponse> {
  const body: VerifyPinRequest = { userId: options.userId, pin: options.pin, ...(options.deviceProof && { deviceProof: options.deviceProof }) };
  return options.api.call('pins.verify', { body });
}
