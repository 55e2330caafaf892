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

/**
 * `INSERT INTO table (columns…) VALUES ($1, …)` for one row given as column → value, so each
 * column stands beside its value (no positional `$n` to keep in step with a parameter list).
 * Table and column names come from the code, never from input; they are checked all the same.
 */
export function insertRow(q: Query, table: string, row: Readonly<Record<string, unknown>>): Promise<{ rows: Row[]; rowCount: number }> {
  const columns = Object.keys(row);
  for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new TypeError(`insertRow: not a plain SQL identifier: ${name}`);
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  return q(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`, Object.values(row));
}
