/**
 * @twofold/server — passkeys (and, in later modules, codes, face and PIN) for your backend.
 * Runtime-agnostic core: Web Crypto, Fetch types, Uint8Array. Node-only pieces live in
 * `@twofold/server/node` and `@twofold/server/postgres`; the embedded database in
 * `@twofold/server/pglite`.
 */
export { createTwofold, type Twofold, type TwofoldOptions } from './twofold.js';
export { TwofoldError, isTwofoldError, ERROR_CODES, type ErrorCode } from './errors.js';
export { STATUS_BY_CODE, problemResponse } from './http/problem.js';
export { createKeyring, parseKeyring, generateSealingKey, type Keyring, type SealingKey } from './sealing/keyring.js';
export { createWebhookNotifier, verifyWebhookSignature, type WebhookOptions } from './webhooks/webhooks.js';
export type { TransactionStatusView } from './transactions/transactions.js';
export type { CodeSettings, CodePurpose, GeneratedCode } from './codes/codes.js';
export type { PinSettings } from './pins/pins.js';
export { RECOVERY_TTL_SECONDS, type RecoveryFlow, type RecoveryFlowSummary, type RecoveryKind, type RecoveryStep } from './recovery/recovery.js';
export type { FaceMatch } from './face/face.js';
export { SCOPES, API_KEY_PREFIX, type Scope, type ApiKey } from './apikeys/apikeys.js';
export type { AuditEvent, AuditEventType } from './audit/audit.js';
export type { Device } from './devices/devices.js';
export { deviceNameFromUserAgent } from './devices/device-name.js';
export type { User } from './users/users.js';
export type { CeremonyResult } from './passkeys/passkeys.js';
export type { AuthMethod, SessionClaims } from './tokens/tokens.js';
export type { TwofoldContext, RelyingParty } from './context.js';
export {
  StoreConflictError,
  type Store,
  type UserRecord,
  type DeviceRecord,
  type DeviceType,
  type PasskeyRecord,
  type PasskeyUse,
  type CeremonyRecord,
  type SigningKeyRecord,
  type ApiKeyRecord,
  type AuditEventRecord,
} from './storage/store.js';
export { MIGRATIONS, type Migration } from './storage/sql/migrations.js';
export type { SqlExecutor } from './storage/sql/executor.js';
export { SqlStore } from './storage/sql/sql-store.js';
