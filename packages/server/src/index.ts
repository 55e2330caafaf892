/**
 * @twofold/server — passkeys, recovery codes, PIN, face and app transactions for your backend.
 *
 * This root entry is runtime-agnostic (Web Crypto, Fetch types, Uint8Array; no `node:*`, no
 * database driver), so the Fetch-standard handler bundles for edge runtimes. Engines and Node
 * pieces are subpaths: `@twofold/server/pglite` (embedded), `@twofold/server/postgres`,
 * `@twofold/server/sql` (the SQL store over your own driver), `@twofold/server/node`; the storage
 * contract (every slice of `Store`, its records) is `@twofold/server/storage`.
 */
export { createTwofold, type Twofold, type TwofoldOptions } from './twofold.js';
export { TwofoldError, isTwofoldError, ERROR_CODES, type ErrorCode } from './errors.js';
export { STATUS_BY_CODE, problemResponse } from './http/problem.js';
export type { HandlerOptions } from './http/app.js';
export { forwardedClientAddress, type ClientAddressSource, type ForwardedClientAddressOptions } from './http/address.js';
export { createKeyring, parseKeyring, generateSealingKey, type Keyring, type SealingKey } from './sealing/keyring.js';
export { createWebhookNotifier, verifyWebhookSignature, type WebhookOptions } from './webhooks/webhooks.js';
export type { TwofoldContext, RelyingParty } from './context.js';

// Each module's public functions take one named options type (see the package README for the verbs).
export type { CreateUserOptions, RetrieveUserOptions, GetUserOptions, User } from './users/index.js';
export type {
  StartPasskeyRegistrationOptions,
  VerifyPasskeyRegistrationOptions,
  StartPasskeyAuthenticationOptions,
  VerifyPasskeyAuthenticationOptions,
  GetAcceptedCredentialsOptions,
  StartPasskeyUpgradeOptions,
  VerifyPasskeyUpgradeOptions,
  WithHints,
  CeremonyResult,
} from './passkeys/index.js';
export type { ListDevicesOptions, RenameDeviceOptions, RemoveDeviceOptions, Device } from './devices/devices.js';
export { authenticatorModel } from './devices/authenticators.js';
export type {
  GenerateCodeOptions,
  InvalidateCodesOptions,
  CheckCodeOptions,
  StartAddPasskeyWithCodeOptions,
  VerifyAddPasskeyWithCodeOptions,
  CodeSettings,
  CodePurpose,
} from './codes/codes.js';
export type { SetPinOptions, VerifyPinOptions, GetPinStatusOptions, PinSettings } from './pins/pins.js';
export { ARGON2_PARAMS, inlinePinHasher, type PinHasher } from './pins/hashing.js';
export type {
  CreateTransactionOptions,
  GetTransactionOptions,
  StartTransactionConfirmationOptions,
  ConfirmTransactionOptions,
  DenyTransactionOptions,
} from './transactions/transactions.js';
export type { StartFaceChallengeOptions, EnrollFaceOptions, VerifyFaceOptions, GetClientStateOptions, FaceMatch } from './face/face.js';
export type { FaceAnalyzer, FrameAnalysis, AnalyzedFace, AnalyzeFramesOptions } from './face/analyzer.js';
export {
  RECOVERY_TTL_SECONDS,
  type StartRecoveryOptions,
  type GetRecoveryOptions,
  type ChooseRecoveryPinOptions,
  type VerifyRecoveryFaceOptions,
  type StartRecoveryPasskeyOptions,
  type VerifyRecoveryPasskeyOptions,
  type AbandonRecoveryOptions,
  type ListRecoveriesOptions,
  type CancelRecoveriesOptions,
  type RecoveryFlow,
  type RecoveryFlowSummary,
  type RecoveryKind,
  type RecoveryStep,
} from './recovery/recovery.js';
export {
  SCOPES,
  API_KEY_PREFIX,
  type Scope,
  type ApiKey,
  type CreateApiKeyOptions,
  type EnsureApiKeyOptions,
  type AuthenticateApiKeyOptions,
  type RemoveApiKeyOptions,
} from './apikeys/apikeys.js';
export type { IssueTokenOptions, VerifyTokenOptions, AuthMethod, SessionClaims } from './tokens/index.js';
export type { AuditEvent, AuditEventType, ActorOption, ListEventsOptions, PageEventsOptions } from './audit/audit.js';
export { DEFAULT_RETENTION, type RetentionSettings, type SweepOptions, type SweepResult } from './sweep/sweep.js';
export type { RateLimit } from './ratelimits/ratelimits.js';

export type { SignOutOptions, RevokeSessionsOptions } from './tokens/index.js';
export type { PasskeyCacheOptions } from './passkeys/index.js';
export type {
  DeviceProof,
  DeviceProofPurpose,
  RegisterDeviceKeyOptions,
  StartDeviceProofOptions,
  VerifyDeviceProofOptions,
} from './devicekeys/devicekeys.js';
// Records some functions return as stored (`deviceKeys.verifyProof`, `audit.list`), and the
// `type` of `codes.generate`.
export type { DeviceKeyRecord } from './devicekeys/store.js';
export type { AuditEventRecord } from './audit/store.js';
export type { CodeType } from './codes/store.js';

// The store an app passes to `createTwofold`. Its slices, their records and `StoreConflictError`,
// for whoever writes a store, are in `@twofold/server/storage`.
export type { Store } from './storage/store.js';
