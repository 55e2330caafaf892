/** The sweep's slice of the {@link Store}: one sweeper at a time per database. */
export interface SweepStore {
  /**
   * Call inside `Store.transaction`: takes the sweep lock for the rest of that transaction (a
   * PostgreSQL transaction-scoped advisory lock, keyed by the schema) without waiting. True when
   * taken; false when another transaction — another server process — holds it. Released at
   * commit or rollback, also when the process dies.
   */
  trySweepLock(): Promise<boolean>;
}
