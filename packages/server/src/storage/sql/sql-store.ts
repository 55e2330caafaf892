import { apiKeysSql } from '../../apikeys/sql.js';
import { auditSql } from '../../audit/sql.js';
import { ceremoniesSql } from '../../ceremonies/sql.js';
import { codesSql } from '../../codes/sql.js';
import { devicesSql } from '../../devices/sql.js';
import { deviceKeysSql } from '../../devicekeys/sql.js';
import { faceSql } from '../../face/sql.js';
import { passkeysSql } from '../../passkeys/sql.js';
import { pinsSql } from '../../pins/sql.js';
import { rateLimitsSql } from '../../ratelimits/sql.js';
import { recoverySql } from '../../recovery/sql.js';
import { sessionsSql, signingKeysSql } from '../../tokens/sql.js';
import { sweepSql } from '../../sweep/sql.js';
import { transactionsSql } from '../../transactions/sql.js';
import { usersSql } from '../../users/sql.js';
import type { Store } from '../store.js';
import type { SqlExecutor } from './executor.js';
import { queryOver } from './query.js';

export interface SqlStoreOptions {
  /**
   * The database is private to this process (an embedded engine), so `createTwofold` may run
   * without `secretKeys` (see {@link Store.embedded}). Default false: a driver of your own is
   * taken to be a shared server, where secret keys are required.
   */
  embedded?: boolean;
}

/**
 * The {@link Store} over any {@link SqlExecutor}: every module's SQL slice bound to one
 * connection (or one transaction). The engines (`pglite.ts`, `postgres.ts`) call it.
 */
export function createSqlStore(db: SqlExecutor, options: SqlStoreOptions = {}): Store {
  const q = queryOver(db);
  const store: Store = {
    embedded: options.embedded === true,
    transaction: (fn) => (db.inTransaction ? fn(store) : db.transaction((tx) => fn(createSqlStore(tx, options)))),
    close: () => db.close(),
    ...usersSql(q),
    ...devicesSql(q),
    ...deviceKeysSql(q),
    ...passkeysSql(q),
    ...ceremoniesSql(q),
    ...signingKeysSql(q),
    ...sessionsSql(q),
    ...apiKeysSql(q),
    ...codesSql(q),
    ...rateLimitsSql(q, db),
    ...pinsSql(q),
    ...transactionsSql(q),
    ...faceSql(q),
    ...recoverySql(q),
    ...auditSql(q),
    ...sweepSql(q),
  };
  return store;
}
