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
  for (const name of [table, ...columns])
    if (!IDENTIFIER.test(name)) throw new TypeError(`insertRecord: not a plain SQL identifier: ${name}`);
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  return q(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`,
    entries.map(([, value]) => value),
  );
}
