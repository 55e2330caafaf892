/**
 * `@twofold/server/storage` — the storage contract, for whoever writes a store of their own (or
 * tests one with `runStoreConformance` from `@twofold/testing/conformance`): the {@link Store}
 * interface, every module's slice of it with its records, and {@link StoreConflictError}, which a
 * store throws on a unique violation. An app that only passes a store to `createTwofold` needs
 * none of it (`Store` itself is also exported from the root). Runtime-agnostic, like the root.
 */
export type { Store } from '../store.js';
export { StoreConflictError } from '../store.js';
export type { ApiKeysStore, ApiKeyRecord } from '../apikeys/store.js';
export type { AuditStore, AuditEventRecord } from '../audit/store.js';
export type { CeremoniesStore, CeremonyRecord, CeremonyKind } from '../ceremonies/store.js';
export type { CodesStore, CodeRecord, CodeType } from '../codes/store.js';
export type { DeviceKeysStore, DeviceKeyRecord } from '../devicekeys/store.js';
export type { DevicesStore, DeviceRecord, DeviceType } from '../devices/store.js';
export type { FaceStore, FaceTemplateRecord } from '../face/store.js';
export type { PasskeysStore, PasskeyRecord, PasskeyUse, PasskeyUseOutcome } from '../passkeys/store.js';
export type { PinsStore, PinRecord } from '../pins/store.js';
export type { RateLimitsStore, RateLimiter, RateLimitResult } from '../ratelimits/store.js';
export type { RecoveryStore, RecoveryFlowRecord, RecoveryFlowChange } from '../recovery/store.js';
export type { SweepStore } from '../sweep/store.js';
export type { SigningKeysStore, SigningKeyRecord, SessionsStore, SessionRecord } from '../sessions/store.js';
export type { TransactionsStore, TransactionRecord, TransactionStatus } from '../transactions/store.js';
export type { UsersStore, UserRecord } from '../users/store.js';
