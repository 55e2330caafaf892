/**
 * `@twofold/server/sql` — the SQL store over a driver of your own: implement {@link SqlExecutor}
 * (PGlite and `pg` fit behind it), run {@link migrate}, then {@link createSqlStore}.
 * Node-agnostic, but it pulls rate-limiter-flexible, so it is not part of the root entry.
 */
export { createSqlStore, type SqlStoreOptions } from './sql-store.js';
export { migrate } from './migrate.js';
export { MIGRATIONS, TWOFOLD_TABLES, type Migration } from './migrations.js';
export type { SqlExecutor } from '../../db/executor.js';
