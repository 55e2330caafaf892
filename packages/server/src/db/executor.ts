/**
 * The little a SQL store needs from a driver. PGlite and `pg` both fit behind it, so the
 * SQL of the modules' slices (`<module>/sql.ts`) is written once.
 */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** Runs `fn` in a transaction on one connection; commit on success, rollback on throw. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** True for an executor already inside a transaction. */
  readonly inTransaction: boolean;
}

/**
 * Libraries the SQL store hands to the modules' slices. The slices are reached from the
 * runtime-agnostic root (through the module list, `src/modules.ts`), so a library that needs Node
 * (rate-limiter-flexible requires `cluster`) is imported by the SQL store (`@twofold/server/sql`,
 * `/pglite`, `/postgres`) and passed in, never imported by a slice.
 */
export interface SqlLibraries {
  /** `rate-limiter-flexible`, as far as the rate-limit slice uses it. */
  rateLimiterFlexible: {
    RateLimiterPostgres: new (options: {
      storeClient: { query(query: { text: string; values?: unknown[] }): Promise<unknown> };
      storeType: 'client';
      tableName: string;
      tableCreated: boolean;
      clearExpiredByTimeout: boolean;
      keyPrefix: string;
      points: number;
      duration: number;
    }) => { consume(key: string): Promise<{ remainingPoints: number }>; delete(key: string): Promise<boolean> };
    RateLimiterRes: abstract new (...args: never[]) => { msBeforeNext: number };
  };
}
