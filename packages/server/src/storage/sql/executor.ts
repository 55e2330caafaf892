/**
 * The little a SQL store needs from a driver. PGlite and `pg` both fit behind it, so the
 * SQL in `sql-store.ts` is written once.
 */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** Runs `fn` in a transaction on one connection; commit on success, rollback on throw. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** True for an executor already inside a transaction. */
  readonly inTransaction: boolean;
}
