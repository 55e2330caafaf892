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
