import type { PGlite } from '@electric-sql/pglite';
import { importDriver } from './driver.js';
import type { SqlExecutor } from '../db/executor.js';
import { migrate } from './sql/migrate.js';
import { createSqlStore } from './sql/sql-store.js';
import type { Store } from '../store.js';

export interface PGliteStoreOptions {
  /**
   * Where the embedded database lives: a directory path (Node), `idb://name` (browser), or
   * omitted for a throw-away in-memory database.
   */
  dataDir?: string;
  /** Use an already opened PGlite instance instead (it is closed with the store). */
  db?: PGlite;
}

/**
 * Opens the embedded PostgreSQL (PGlite, compiled to WASM) and applies migrations.
 * A new data directory takes a few seconds to initialise; reopening one is fast.
 *
 * Tables stay in the database's default schema (`public`), unlike on PostgreSQL (schema
 * `twofold`): the embedded database is Twofold's own, data directories made by 0.1 keep working
 * as they are, and a search_path set here would also redirect the queries of a caller who passes
 * its own `db`. Keep the host's own tables out of a `db` given to Twofold.
 * The store is `embedded`: `createTwofold` runs without `secretKeys` on it (the CLI keeps a key
 * file in the data directory all the same).
 */
export async function createPGliteStore(options: PGliteStoreOptions = {}): Promise<Store> {
  let db = options.db;
  if (!db) {
    const { PGlite } = await importDriver('@electric-sql/pglite', 'createPGliteStore', () => import('@electric-sql/pglite'));
    db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  }
  const executor = pgliteExecutor(db);
  await migrate(executor);
  return createSqlStore(executor, { embedded: true });
}

type PGliteQueryable = Pick<PGlite, 'query'>;

function pgliteExecutor(db: PGlite): SqlExecutor {
  const wrap = (q: PGliteQueryable, inTransaction: boolean): SqlExecutor => ({
    inTransaction,
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await q.query<T>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return inTransaction ? fn(this) : db.transaction((tx) => fn(wrap(tx, true)));
    },
    close: () => db.close(),
  });
  return wrap(db, false);
}
