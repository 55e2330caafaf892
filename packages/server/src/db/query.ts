import { StoreConflictError } from './conflict.js';
import type { SqlExecutor } from './executor.js';

/** A database row as drivers return it. */
export type Row = Record<string, unknown>;

/** Runs one statement; the only way module SQL reaches the driver. */
export type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Row[]; rowCount: number }>;

/** A {@link Query} over `db` that turns unique violations (SQLSTATE 23505) into {@link StoreConflictError}. */
export function queryOver(db: SqlExecutor): Query {
  return async (sql, params = []) => {
    try {
      return await db.query<Row>(sql, params);
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === '23505') throw new StoreConflictError(e.constraint ?? 'unique', { cause: error });
      throw error;
    }
  };
}

// Row mappers: drivers differ (pg gives Buffer for bytea and strings for bigint; PGlite gives
// Uint8Array), so every value is normalised with these.
export const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
export const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
export const stringOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Throws unless every name is a plain SQL identifier (names come from the code; checked all the same). */
function assertIdentifiers(what: string, names: readonly string[]): void {
  for (const name of names) if (!IDENTIFIER.test(name)) throw new TypeError(`${what}: not a plain SQL identifier: ${name}`);
}

/** `userId` → `user_id`: how every Twofold table names the column of a record's field. */
const columnOf = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * `INSERT INTO table (columns…) VALUES ($1, …)` of one record: each field goes to the column of
 * its snake_case name (`createdAt` → `created_at`), so a slice does not spell its columns out a
 * second time. Every own enumerable field is written, so pass the record itself (an extra
 * property names a column that does not exist: the insert fails and writes nothing), with any
 * field the column stores in another form already encoded (`JSON.stringify` for jsonb).
 * Table and column names come from the code, never from input; they are checked all the same.
 */
export function insertRecord(q: Query, table: string, record: object): Promise<{ rows: Row[]; rowCount: number }> {
  const entries = Object.entries(record);
  const columns = entries.map(([field]) => columnOf(field));
  assertIdentifiers('insertRecord', [table, ...columns]);
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  return q(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`,
    entries.map(([, value]) => value),
  );
}

/** Options of {@link deleteBatchBefore}. */
export interface DeleteBatchOptions {
  /** The column that picks the rows (default `id`). */
  key?: string;
  /** The time column compared with `before` (default `expires_at`). */
  column?: string;
  /** Delete the oldest keys first (`ORDER BY key`), for tables swept by age. Default false. */
  oldestFirst?: boolean;
}

/**
 * Deletes at most `limit` rows of `table` whose time column is before `before`, and returns how
 * many: the sweep deletes in batches so a large backlog never holds one long lock.
 */
export async function deleteBatchBefore(
  q: Query,
  table: string,
  before: Date,
  limit: number,
  options: DeleteBatchOptions = {},
): Promise<number> {
  const { key = 'id', column = 'expires_at', oldestFirst = false } = options;
  assertIdentifiers('deleteBatchBefore', [table, key, column]);
  const order = oldestFirst ? ` ORDER BY ${key}` : '';
  const sql = `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${column} < $1${order} LIMIT $2)`;
  return (await q(sql, [before, limit])).rowCount;
}
