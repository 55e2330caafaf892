import type { ApiKeysStore } from './apikeys/store.js';
import type { AuditStore } from './audit/store.js';
import type { CeremoniesStore } from './ceremonies/store.js';
import type { CodesStore } from './codes/store.js';
import type { DevicesStore } from './devices/store.js';
import type { DeviceKeysStore } from './devicekeys/store.js';
import type { FaceStore } from './face/store.js';
import type { PasskeysStore } from './passkeys/store.js';
import type { PinsStore } from './pins/store.js';
import type { RateLimitsStore } from './ratelimits/store.js';
import type { RecoveryStore } from './recovery/store.js';
import type { SessionsStore, SigningKeysStore } from './sessions/store.js';
import type { SweepStore } from './sweep/store.js';
import type { TransactionsStore } from './transactions/store.js';
import type { UsersStore } from './users/store.js';

export { StoreConflictError } from './db/conflict.js';

/**
 * The storage boundary: every module's slice (declared in `<module>/store.ts`, implemented in
 * `<module>/sql.ts`) plus the transaction runner. Engines (PGlite, PostgreSQL) provide it over
 * one SQL schema, joined from the modules' `migrations.ts` (`storage/sql/migrations.ts`). The
 * modules in `src/modules.ts` must add up to it (checked by `modules.test.ts`).
 *
 * Atomicity contract, checked by the conformance suite (`@twofold/testing/conformance`) against
 * every engine:
 * - {@link Store.transaction} runs its callback in one database transaction: all writes happen
 *   or none do. Nested calls join the outer transaction.
 * - Each slice documents its atomic primitives (consume-once ceremonies and codes, the passkey
 *   counter compare-and-set, PIN attempt claims, decide-once transactions, flow step CAS).
 * - Unique constraints (username, credential id, API-key hash) surface as `StoreConflictError`.
 *
 * All timestamps are passed in by the caller (the instance clock), never taken from the database,
 * so tests can move time with a clock seam.
 */
export interface Store
  extends UsersStore,
    DevicesStore,
    DeviceKeysStore,
    PasskeysStore,
    CeremoniesStore,
    SigningKeysStore,
    SessionsStore,
    ApiKeysStore,
    CodesStore,
    RateLimitsStore,
    PinsStore,
    TransactionsStore,
    FaceStore,
    RecoveryStore,
    AuditStore,
    SweepStore {
  /** Runs `fn` inside one transaction; rolls back if it throws. Nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Releases connections / closes the embedded database. */
  close(): Promise<void>;
  /**
   * True for a database private to this process (PGlite: in memory, or a data directory only
   * this server opens). `createTwofold` refuses any other store (PostgreSQL, a store of your own)
   * without `secretKeys`, since other processes, operators and backups read what it stores.
   * Absent means not embedded.
   */
  readonly embedded?: boolean;
}
