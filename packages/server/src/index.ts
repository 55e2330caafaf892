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
export type { ListDevicesOptions, RenameDeviceOptions, RemoveDeviceOptions, Device } from './devices/index.js';
export { authenticatorModel } from './devices/index.js';
export type {
  GenerateCodeOptions,
  InvalidateCodesOptions,
  CheckCodeOptions,
  StartAddPasskeyWithCodeOptions,
  VerifyAddPasskeyWithCodeOptions,
  CodeSettings,
  CodePurpose,
} from './codes/index.js';
export type { SetPinOptions, VerifyPinOptions, GetPinStatusOptions, PinSettings } from './pins/index.js';
export { ARGON2_PARAMS, inlinePinHasher, type PinHasher } from './pins/index.js';
// The transactions and recovery modules' faces are public as a whole.
export type * from './transactions/index.js';
export type { StartFaceChallengeOptions, EnrollFaceOptions, VerifyFaceOptions, GetClientStateOptions, FaceMatch } from './face/index.js';
export type { FaceAnalyzer, FrameAnalysis, AnalyzedFace, AnalyzeFramesOptions } from './face/index.js';
export * from './recovery/index.js';
export { SCOPES, API_KEY_PREFIX } from './apikeys/index.js';
export type {
  Scope,
  ApiKey,
  CreateApiKeyOptions,
  EnsureApiKeyOptions,
  AuthenticateApiKeyOptions,
  RemoveApiKeyOptions,
} from './apikeys/index.js';
export type { IssueTokenOptions, VerifyTokenOptions, AuthMethod, SessionClaims } from './sessions/index.js';
export type { AuditEvent, AuditEventType, ActorOption, ListEventsOptions, PageEventsOptions } from './audit/index.js';
export { DEFAULT_RETENTION, type RetentionSettings, type SweepOptions, type SweepResult } from './sweep/index.js';
export type { RateLimit } from './ratelimits/index.js';

export type { SignOutOptions, RevokeSessionsOptions } from './sessions/index.js';
export type { PasskeyCacheOptions } from './passkeys/index.js';
export type {
  DeviceProof,
  DeviceProofPurpose,
  RegisterDeviceKeyOptions,
  StartDeviceProofOptions,
  VerifyDeviceProofOptions,
} from './devicekeys/index.js';
// Records some functions return as stored (`deviceKeys.verifyProof`, `audit.list`), and the
// `type` of `codes.generate`.
export type { DeviceKeyRecord } from './devicekeys/store.js';
export type { AuditEventRecord } from './audit/store.js';
export type { CodeType } from './codes/store.js';

// The store an app passes to `createTwofold`. Its slices, their records and `StoreConflictError`,
// for whoever writes a store, are in `@twofold/server/storage`.
export type { Store } from './store.js';
