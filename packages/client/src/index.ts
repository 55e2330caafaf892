/**
 * @twofold/client — the browser side of Twofold: passkey sign-up and sign-in (button and
 * autofill), device management, and typed errors. Face capture ships as a separate entry so
 * passkey-only pages do not load models.
 */
export { createTwofoldClient, type TwofoldClient, type TwofoldClientOptions, type SavedRecovery } from './client.js';
export { createApiClient, type ApiClient, type ApiClientOptions } from './api/api.js';
export {
  signUpWithPasskey,
  addPasskey,
  signInWithPasskey,
  signInWithAutofill,
  abortPendingCeremony,
  isPasskeySupported,
  isAutofillSupported,
  toClientError,
  type SessionResult,
} from './passkeys/passkeys.js';
export { addPasskeyWithCode, readCodeFromUrl, type CodeType } from './recovery/codes.js';
export {
  startRecovery,
  getRecovery,
  chooseRecoveryPin,
  verifyFaceForRecovery,
  bindRecoveryPasskey,
  abandonRecovery,
  type RecoveryFlow,
  type RecoveryKind,
  type FaceCapture,
  type FaceChallenge,
} from './recovery/flows.js';
export { confirmTransaction, denyTransaction, setPin, signInWithPin, type ConfirmedTransaction } from './transactions.js';
export { listDevices, renameDevice, deleteDevice, type Device } from './devices.js';
export { TwofoldClientError, isTwofoldClientError, type ClientErrorCode } from './errors.js';
