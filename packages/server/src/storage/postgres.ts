import pg from 'pg';
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
  const r = await target.query(statement(sql, values));
  return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
};

function poolExecutor(pool: pg.Pool): SqlExecutor {
  return {
    inTransaction: false,
    query: (sql, values) => run(pool, sql, values),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

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
