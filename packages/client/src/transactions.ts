import type { ConfirmTransactionRequest, ConfirmTransactionResponse, DenyTransactionResponse, DeviceProof } from '@twofold/protocol';
import type { WithSession } from './api/api.js';
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
  const {
    ceremonyId,
    message,
    options: request,
  } = await api.call('transactions.startConfirmation', { params, token, signal: options.signal });
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
