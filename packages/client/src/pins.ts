import type { VerifyPinRequest, VerifyPinResponse, DeviceProof } from '@twofold/protocol';
import type { WithApi, WithSession } from './api/api.js';

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
  const body: VerifyPinRequest = {
    userId: options.userId,
    pin: options.pin,
    ...(options.deviceProof && { deviceProof: options.deviceProof }),
  };
  return options.api.call('pins.verify', { body });
}
