import { isTwofoldClientError } from '@twofold/client';

export const app = () => document.querySelector<HTMLElement>('#app')!;
export const nav = () => document.querySelector<HTMLElement>('#nav')!;

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Friendly words for the error codes users can actually hit. */
export function explain(error: unknown): string {
  if (!isTwofoldClientError(error)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'USERNAME_TAKEN':
      return 'That username is taken — sign in instead?';
    case 'USER_NOT_FOUND':
      return 'No customer has that username.';
    case 'CANCELLED':
      return 'The passkey prompt was closed. Try again when you are ready.';
    case 'ABORTED':
      return 'Cancelled.';
    case 'AUTHENTICATOR_ALREADY_REGISTERED':
      return 'This device already has a passkey for your account.';
    case 'NOT_SUPPORTED':
      return 'This browser cannot use passkeys.';
    case 'CREDENTIAL_NOT_FOUND':
      return 'That passkey is not registered here (was the device removed?).';
    case 'CHALLENGE_EXPIRED':
      return 'That took too long; please try again.';
    case 'CODE_INVALID':
      return 'That code is not right. Check it and try again.';
    case 'CODE_EXPIRED':
      return 'That code has expired. Ask support for a new one.';
    case 'CODE_USED':
      return 'That code has already been used. Ask support for a new one.';
    case 'CODE_LOCKED':
      return 'That code is locked after too many wrong tries. Ask support for a new one.';
    case 'RATE_LIMITED':
      return `Too many attempts. Try again in ${String(error.problem?.retryAfterSeconds ?? 'a few')} seconds.`;
    case 'TRANSACTION_EXPIRED':
      return 'This request expired. Please try again.';
    case 'TRANSACTION_DECIDED':
      return 'This request was already answered.';
    case 'PIN_INVALID':
      return error.problem?.attemptsRemaining === undefined
        ? 'Wrong PIN.'
        : `Wrong PIN. ${String(error.problem.attemptsRemaining)} attempt(s) left.`;
    case 'PIN_LOCKED':
      return 'Your app PIN is locked after too many wrong tries. Reset it with your face, or sign in with your passkey and choose a new one.';
    case 'DEVICE_PROOF_REQUIRED':
    case 'DEVICE_PROOF_INVALID':
      return 'This device is not set up for your account: sign in with your passkey here first.';
    case 'SERVER_BUSY':
      return 'We are busy right now. Please try again in a moment.';
    case 'PIN_TOO_WEAK':
      return 'Choose a PIN that is not one digit repeated or a simple sequence.';
    case 'LAST_PASSKEY':
      return 'This is your only passkey and no face backup is set up: add another passkey first.';
    case 'REAUTHENTICATION_REQUIRED':
      return 'For your security, sign out and sign in again with your passkey, then try again.';
    case 'FACE_MISMATCH':
      return 'That face does not match the one enrolled.';
    case 'LIVENESS_FAILED':
      return 'We could not confirm a live person (did you follow the moves?). Try again.';
    case 'FACE_LOCKED':
      return 'Too many failed face checks. Try again later, or use another way in.';
    case 'FACE_TIMEOUT':
      return 'That took too long. Try again with more light, facing the camera.';
    case 'FACE_NOT_ENROLLED':
      return 'No face is enrolled for this account, so it cannot be checked. Contact support.';
    case 'FACE_REQUIRED':
      return 'This code works only together with a face check.';
    case 'CLIENT_STATE_INVALID':
      return 'The enrolled face is no longer valid for this account. Contact support.';
    case 'RECOVERY_EXPIRED':
      return 'This recovery took too long and expired. Please start again.';
    case 'RECOVERY_CLOSED':
      return 'This recovery has already ended. Please start again.';
    case 'RECOVERY_OUT_OF_ORDER':
      return 'This step was already done (another tab?). Reload the page.';
    case 'INVALID_REQUEST':
      return `Please check your input: ${error.message}`;
    case 'NETWORK_ERROR':
      return 'The server could not be reached.';
    default:
      return `${error.message} (${error.code})`;
  }
}

/** Shows `message` in a status line, as an error or a success. */
export function say(status: HTMLElement, message: string, kind: 'error' | 'ok' = 'error') {
  status.className = `status ${kind}`;
  status.textContent = message;
}

/** Runs `task` with a busy button and a status line (progress feedback on anything slow). */
export async function busy(button: HTMLButtonElement, status: HTMLElement, label: string, task: () => Promise<void>) {
  const text = button.textContent;
  button.disabled = true;
  button.innerHTML = `<span class="spinner"></span>${esc(label)}`;
  status.className = 'status';
  status.textContent = '';
  try {
    await task();
  } catch (error) {
    say(status, explain(error));
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.textContent = text;
    }
  }
}

/** Reads an input's value by selector within `root`. */
export const value = (root: ParentNode, selector: string) => (root.querySelector(selector) as HTMLInputElement | HTMLSelectElement).value;
