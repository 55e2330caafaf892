/**
 * @twofold/server — passkeys, recovery codes, PIN, face and app transactions for your backend.
 *
 * This root entry is runtime-agnostic (Web Crypto, Fetch types, Uint8Array; no `node:*`, no
 * database driver), so the Fetch-standard handler bundles for edge runtimes. Engines and Node
 * pieces are subpaths: `@twofold/server/pglite` (embedded), `@twofold/server/postgres`,
 * `@twofold/server/sql` (the SQL store over your own driver), `@twofold/server/node`.
 */
export { createTwofold, type Twofold, type TwofoldOptions } from './twofold.js';
export { TwofoldError, isTwofoldError, ERROR_CODES, type ErrorCode } from './errors.js';
export { STATUS_BY_CODE, problemResponse } from './http/problem.js';
export type { HandlerOptions } from './http/app.js';
export { addressKey, forwardedClientAddress, type ClientAddressSource, type ForwardedClientAddressOptions } from './http/address.js';
export { createKeyring, parseKeyring, generateSealingKey, type Keyring, type SealingKey } from './sealing/keyring.js';
export { createWebhookNotifier, verifyWebhookSignature, type WebhookOptions } from './webhooks/webhooks.js';
export type { TwofoldContext, RelyingParty } from './context.js';

// Each module's public functions take one named options type (see the package README for the verbs).
export type { CreateUserOptions, RetrieveUserOptions, GetUserOptions, User } from './users/users.js';
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
} from './passkeys/passkeys.js';
export type { ListDevicesOptions, RenameDeviceOptions, RemoveDeviceOptions, Device } from './devices/devices.js';
export { deviceNameFromUserAgent } from './devices/device-name.js';
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
export { ARGON2_PARAMS, createHashGate, inlinePinHasher, type HashGate, type HashGateOptions, type PinHasher } from './pins/hashing.js';
export type {
  CreateTransactionOptions,
  GetTransactionOptions,
  StartTransactionConfirmationOptions,
  ConfirmTransactionOptions,
  DenyTransactionOptions,
} from './transactions/transactions.js';
export type { StartFaceChallengeOptions, EnrollFaceOptions, VerifyFaceOptions, GetClientStateOptions, FaceMatch } from './face/face.js';
export type { FaceAnalyzer, FrameAnalysis, AnalyzedFace, AnalyzeFramesOptions } from './face/analyzer.js';
export { LIVENESS_RULES, decideLiveness, readEvidence } from './face/evidence.js';
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
export type { IssueTokenOptions, VerifyTokenOptions, AuthMethod, SessionClaims } from './tokens/tokens.js';
export type { AuditEvent, AuditEventType, ActorOption, ListEventsOptions, PageEventsOptions } from './audit/audit.js';
export { DEFAULT_RETENTION, type RetentionSettings, type SweepOptions, type SweepResult } from './sweep/sweep.js';
export type { SweepStore } from './sweep/store.js';
export type { RateLimit } from './ratelimits/ratelimits.js';

// The storage contract: the Store and every module's slice and records (for engine authors and
// the conformance suite in `@twofold/testing/conformance`).
export type { Store } from './storage/store.js';
export { StoreConflictError } from './storage/conflict.js';
export type { UsersStore, UserRecord } from './users/store.js';
export type { DevicesStore, DeviceRecord, DeviceType } from './devices/store.js';
export type { PasskeysStore, PasskeyRecord, PasskeyUse, PasskeyUseOutcome } from './passkeys/store.js';
export type { PasskeyCacheOptions } from './passkeys/cache.js';
export type { CeremoniesStore, CeremonyRecord, CeremonyKind } from './ceremonies/store.js';
export type { SigningKeysStore, SigningKeyRecord, SessionsStore, SessionRecord } from './tokens/store.js';
export type { SignOutOptions, RevokeSessionsOptions } from './tokens/sessions.js';
export { deviceProofMessage, type DeviceProof, type DeviceProofPurpose, type RegisterDeviceKeyOptions, type StartDeviceProofOptions, type VerifyDeviceProofOptions } from './devicekeys/devicekeys.js';
export type { DeviceKeysStore, DeviceKeyRecord } from './devicekeys/store.js';
export type { ApiKeysStore, ApiKeyRecord } from './apikeys/store.js';
export type { CodesStore, CodeRecord, CodeType } from './codes/store.js';
export type { RateLimitsStore, RateLimiter, RateLimitResult } from './ratelimits/store.js';
export type { PinsStore, PinRecord } from './pins/store.js';
export type { TransactionsStore, TransactionRecord, TransactionStatus } from './transactions/store.js';
export type { FaceStore, FaceTemplateRecord } from './face/store.js';
export type { RecoveryStore, RecoveryFlowRecord, RecoveryFlowChange } from './recovery/store.js';
export type { AuditStore, AuditEventRecord } from './audit/store.js';
