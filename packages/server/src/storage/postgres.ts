import pg from 'pg';
import { TwofoldError } from '../errors.js';
import type { SqlExecutor } from './sql/executor.js';
import { migrate } from './sql/migrate.js';
import { createSqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db`. */
  connectionString: string;
  /**
   * Schema to keep Twofold's tables in (created if missing). Default: the connection's
   * `search_path` (usually `public`).
   */
  schema?: string;
  /** Pool size. Default 10. */
  max?: number;
}

/**
 * Connects to PostgreSQL through a `pg` pool and applies migrations. Many server processes may
 * share one database: migrations take an advisory lock and every primitive is atomic in SQL.
 * Fails fast (rejects) when the server cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  try {
    const executor = poolExecutor(pool);
    // `CREATE SCHEMA IF NOT EXISTS` is not safe against itself: of several processes starting at
    // once, all but one would fail on a unique violation. Serialise it like the migrations.
    if (schema) {
      await executor.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('twofold:schema:' || $1))`, [schema]);
        await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      });
    }
    await migrate(executor);
    return createSqlStore(executor);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

// Statements on the hot path are prepared once per connection (named), which spares the
// server parsing and planning them on every call.
const statementNames = new Map<string, string>();
function statement(text: string, values: unknown[]): pg.QueryConfig {
  if (values.length === 0 || !/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(text)) return { text, values: params(values) };
  let name = statementNames.get(text);
  if (!name) {
    name = `twofold_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { name, text, values: params(values) };
}

// pg serialises Buffers as bytea; plain Uint8Arrays are converted here.
const params = (values: unknown[]) =>
  values.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));

const run = async <T>(target: pg.Pool | pg.PoolClient, sql: string, values: unknown[] = []) => {
  try {
    const r = await target.query(statement(sql, values));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  } catch (error) {
    throw unavailable(error);
  }
};

// SQLSTATE classes and codes that say "the server is not there (for now)", not "this statement
// is wrong": 08 connection exception, 57P01-57P03 shutdown / cannot connect now, 53300 too many
// connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// What `pg` / `pg-pool` throw, without a code, when a connection is lost or cannot be had.
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Connection ended/i;

/** True when `error` means the database cannot be reached, rather than a failed statement. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
  if (Array.isArray(e.errors) && e.errors.some(isConnectionError)) return true; // AggregateError (IPv4 + IPv6 attempts)
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message);
}

/**
 * A lost or refused connection becomes 503 `STORE_UNAVAILABLE` (with `Retry-After`) instead of a
 * 500: the client may retry once the database is back, and the pool reconnects by itself. The
 * driver's message stays in `cause` (it names hosts and ports, so it is not sent to clients).
 */
function unavailable(error: unknown): unknown {
  if (error instanceof TwofoldError || !isConnectionError(error)) return error;
  return new TwofoldError('STORE_UNAVAILABLE', 'The database cannot be reached right now; try again in a moment.', { retryAfterSeconds: 1 }, { cause: error });
}

function poolExecutor(pool: pg.Pool): SqlExecutor {
  return {
    inTransaction: false,
    query: (sql, values) => run(pool, sql, values),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailable(error);
      }
      let broken: unknown;
      try {
        await run(client, 'BEGIN');
        const result = await fn(clientExecutor(client));
        // A connection lost during COMMIT leaves the outcome unknown: the caller gets a 503 and
        // has acknowledged nothing; every single-use write stays single-use on a retry.
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        if (isTwofoldUnavailable(error)) broken = error;
        else await client.query('ROLLBACK').catch((e) => void (broken = e));
        throw error;
      } finally {
        // A broken connection is destroyed, not returned to the pool.
        client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
      }
    },
    close: () => pool.end(),
  };
}

const isTwofoldUnavailable = (error: unknown) => error instanceof TwofoldError && error.code === 'STORE_UNAVAILABLE';

function clientExecutor(client: pg.PoolClient): SqlExecutor {
  return {
    inTransaction: true,
    query: (sql, values) => run(client, sql, values),
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return fn(this);
    },
    close: async () => {},
  };
}
