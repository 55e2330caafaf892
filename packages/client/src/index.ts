/**
 * @twofold/client — the browser side of Twofold: passkey sign-up and sign-in (button and
 * autofill), device management, PIN, step-up transactions, recovery flows and typed errors.
 * Face capture ships as a separate entry so passkey-only pages do not load models.
 *
 * Every function takes one options object (`…Options`); the plain functions take the same
 * options plus `api` (and `token` on user routes, `flowId` in a recovery flow). Wire shapes come
 * from `@twofold/protocol`, types only.
 */
export {
  bindDeviceKey,
  indexedDbDeviceKeys,
  memoryDeviceKeys,
  signDeviceProof,
  type BindDeviceKeyOptions,
  type DeviceKeyStore,
  type SignDeviceProofOptions,
  type StoredDeviceKey,
} from './devicekeys.js';
export {
  createTwofoldClient,
  type TwofoldClient,
  type TwofoldClientOptions,
  type SavedRecovery,
  type ListEventsOptions,
} from './client.js';
export {
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type ApiCallOptions,
  type ApiCallArgs,
  type ApiRequestOptions,
  type WithApi,
  type WithSession,
} from './api/api.js';
export {
  signUp,
  addPasskey,
  signIn,
  signInWithAutofill,
  abortPendingCeremony,
  createPasskey,
  getPasskeyAssertion,
  type CreatePasskeyOptions,
  type GetPasskeyAssertionOptions,
  isPasskeySupported,
  isAutofillSupported,
  toClientError,
  type SessionResult,
  type SignUpOptions,
  type AddPasskeyOptions,
  type SignInOptions,
  type SignInWithAutofillOptions,
  type HintOptions,
  type UnknownCredentialOption,
  type CredentialHint,
} from './passkeys/passkeys.js';
export {
  signalSupport,
  signalUnknownCredential,
  syncPasskeySignals,
  type SignalUnknownCredentialOptions,
} from './passkeys/signals.js';
export { upgradeToPasskey, type UpgradeToPasskeyOptions } from './passkeys/upgrade.js';
export {
  derivePrfKey,
  type PrfRequest,
  type PrfOption,
  type PrfResult,
  type DerivePrfKeyOptions,
} from './passkeys/prf.js';
export { getAuthenticatorIcon, type GetAuthenticatorIconOptions } from './passkeys/authenticator-icons.js';
export {
  addPasskeyWithCode,
  readCodeFromUrl,
  type AddPasskeyWithCodeOptions,
  type ReadCodeFromUrlOptions,
  type LinkCode,
  type CodeType,
} from './recovery/codes.js';
export {
  startRecovery,
  getRecovery,
  chooseRecoveryPin,
  verifyRecoveryFace,
  bindRecoveryPasskey,
  abandonRecovery,
  type WithFlow,
  type StartRecoveryOptions,
  type ChooseRecoveryPinOptions,
  type VerifyRecoveryFaceOptions,
  type BindRecoveryPasskeyOptions,
  type RecoveryFlow,
  type RecoveryKind,
  type FaceCapture,
  type FaceChallenge,
} from './recovery/flows.js';
// Everything transactions.ts declares is public: confirm or deny a step-up.
export * from './transactions.js';
export { setPin, signInWithPin, type SetPinOptions, type SignInWithPinOptions } from './pins.js';
export { listDevices, renameDevice, removeDevice, type Device, type RenameDeviceOptions, type RemoveDeviceOptions } from './devices.js';
export {
  TwofoldClientError,
  isTwofoldClientError,
  type ClientErrorCode,
  type BrowserErrorCode,
  type TwofoldClientErrorOptions,
} from './errors.js';
export type { ErrorCode, Problem } from '@twofold/protocol';
