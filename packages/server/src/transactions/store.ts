import type { AuditEventRecord } from '../audit/store.js';

/** The transactions module's slice of the {@link Store}. */
export interface TransactionsStore {
  insertTransaction(tx: TransactionRecord): Promise<void>;
  getTransaction(id: string): Promise<TransactionRecord | null>;
  /**
   * Decides a pending, unexpired transaction exactly once. Approval returns the sealed context
   * and erases it in the same statement, so it can be released only once. `event` (the
   * decision's audit event) is written in that same statement: a crash or a lost connection
   * leaves both or neither, never a decision missing from the audit log.
   * @returns `{ sealedContext }` (the context as it was; null for a denied one is fine to ignore),
   *   or null (and nothing written) when the transaction was not pending and unexpired.
   */
  decideTransaction(args: {
    id: string;
    status: 'approved' | 'denied';
    method: string | null;
    now: Date;
    event?: AuditEventRecord;
  }): Promise<{ sealedContext: string | null } | null>;
  /** Sweep: deletes transactions (decided or not) that expired before `before`. Deletes at most `limit` rows per call (the sweep repeats); @returns how many. */
  deleteExpiredTransactions(before: Date, limit: number): Promise<number>;
}

export type TransactionStatus = 'pending' | 'approved' | 'denied';

export interface TransactionRecord {
  id: string;
  userId: string;
  message: string;
  /** The post-operation context, sealed; null once released. */
  sealedContext: string | null;
  allowPin: boolean;
  /** Random value bound into the WebAuthn challenge. */
  nonce: string;
  status: TransactionStatus;
  method: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
}
