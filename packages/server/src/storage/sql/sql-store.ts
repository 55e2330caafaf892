import * as rateLimiterFlexible from 'rate-limiter-flexible';
import type { SqlExecutor, SqlLibraries } from '../../db/executor.js';
import { queryOver } from '../../db/query.js';
import { MODULES, type ModuleSlices } from '../../modules.js';
import type { Store } from '../../store.js';

const LIBRARIES: SqlLibraries = { rateLimiterFlexible };

export interface SqlStoreOptions {
  /**
   * The database is private to this process (an embedded engine), so `createTwofold` may run
   * without `secretKeys` (see {@link Store.embedded}). Default false: a driver of your own is
   * taken to be a shared server, where secret keys are required.
   */
  embedded?: boolean;
}

/**
 * The {@link Store} over any {@link SqlExecutor}: every module's SQL slice (`MODULES`) bound to one
 * connection (or one transaction). The engines (`pglite.ts`, `postgres.ts`) call it.
 */
export function createSqlStore(db: SqlExecutor, options: SqlStoreOptions = {}): Store {
  const q = queryOver(db);
  // Every module's slice (MODULES, src/modules.ts), over this connection or transaction.
  const slices: ModuleSlices = Object.assign({}, ...MODULES.map((m) => m.sql?.(q, db, LIBRARIES)));
  const store: Store = {
    ...slices,
    embedded: options.embedded === true,
    transaction: (fn) => (db.inTransaction ? fn(store) : db.transaction((tx) => fn(createSqlStore(tx, options)))),
    close: () => db.close(),
  };
  return store;
}
