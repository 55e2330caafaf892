import type pg from 'pg';
import { importDriver } from './driver.js';
import { TwofoldError } from '../errors.js';
import type { SqlExecutor } from '../db/executor.js';
import { migrate } from './sql/migrate.js';
import { MIGRATIONS, MIGRATIONS_TABLE, TWOFOLD_TABLES } from './sql/migrations.js';
import { createSqlStore } from './sql/sql-store.js';
import type { Store } from '../store.js';

/** Where Twofold keeps its tables on PostgreSQL unless told otherwise. */
export const DEFAULT_POSTGRES_SCHEMA = 'twofold';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db`. */
  connectionString: string;
  /**
   * Schema to keep Twofold's tables in (created if missing). Default `'twofold'`, so tables named
   * `users`, `sessions` or `devices` never meet the host's own (in `public`): the pool's
   * `search_path` is this schema alone. When it is omitted and the connection string sets
   * `search_path` in its `options` parameter, that is used instead (as before). `'public'` keeps
   * the layout of @twofold/server 0.1, which used the connection's `search_path`; see
   * `moveFromSchema` to move such tables instead.
   */
  schema?: string;
  /**
   * Moves Twofold's tables from this schema (e.g. `'public'`, where 0.1 kept them by default)
   * into `schema` before starting: every table of the migrations recorded there, its indexes,
   * constraints and sequences, with `ALTER TABLE ... SET SCHEMA`, in one transaction under both
   * schemas' migration locks, so it either all moves or nothing does. Idempotent: once moved (no
   * `twofold_migrations` left in it) it does nothing, so it may stay in the configuration. Refuses
   * (moving nothing) when both schemas hold Twofold tables. Stop servers of the previous version
   * first: they would not find the tables (a restarted one would create empty ones).
   */
  moveFromSchema?: string;
  /** Pool size. Default 10. */
  max?: number;
}

/**
 * Thrown by {@link createPostgresStore} when Twofold's tables are in the schema the connection
 * used by default (0.1's layout, usually `public`) and the configured schema has none: starting
 * would look like an empty database. The message names both fixes.
 */
export class LegacySchemaError extends Error {
  override readonly name = 'LegacySchemaError';
  constructor(
    /** Where the tables are (e.g. `public`). */
    readonly foundIn: string,
    /** Where this version looks for them (e.g. `twofold`). */
    readonly schema: string,
  ) {
    super(
      `Twofold's tables are in schema "${foundIn}" (where earlier versions of @twofold/server kept them by default), but it now keeps them in schema "${schema}", which has none; ` +
        `refusing to start on an empty database beside your data. Either keep them where they are: createPostgresStore({ connectionString, schema: '${foundIn}' }), ` +
        `or move them once, in one transaction (stop servers of the previous version first): createPostgresStore({ connectionString, moveFromSchema: '${foundIn}' }).`,
    );
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL through a `pg` pool and applies migrations. Many server processes may
 * share one database: migrations take an advisory lock and every primitive is atomic in SQL.
 * Tables live in schema `twofold` by default (see {@link PostgresStoreOptions.schema}); a
 * database laid out by 0.1 (tables in `public`) is refused with {@link LegacySchemaError} until
 * `schema` or `moveFromSchema` says what to do. Fails fast (rejects) when the server cannot be reached.
 * The store is not `embedded`: `createTwofold` requires `secretKeys` with it.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { schema, moveFromSchema } = options;
  for (const [name, value] of [
    ['schema', schema],
    ['moveFromSchema', moveFromSchema],
  ] as const) {
    if (value !== undefined && !SCHEMA_NAME.test(value))
      throw new Error(`createPostgresStore: invalid ${name}: ${value} (lower-case letters, digits and _)`);
  }
  // pg lets a connection string's `options` (and PGOPTIONS) replace the config's, which would drop
  // our search_path without a word (tables in public): they are taken apart here and merged below.
  const { connectionString, startup } = splitStartupOptions(options.connectionString);
  const urlSearchPath = /search_path/i.test(startup ?? '');
  if (schema !== undefined && urlSearchPath) {
    throw new Error(
      'createPostgresStore: the connection string sets search_path (in `options`) and `schema` is set too; keep one of them.',
    );
  }
  // The schema the tables go in: the option, else the connection string's search_path, else ours.
  const target = schema ?? (urlSearchPath ? undefined : DEFAULT_POSTGRES_SCHEMA);
  const { default: driver } = await importDriver('pg', 'createPostgresStore', () => import('pg'));
  if (target && moveFromSchema === undefined && schema === undefined) await refuseLegacyLayout(driver, options.connectionString, target);
  const merged = [startup ?? process.env.PGOPTIONS, target && `-c search_path=${target}`].filter(Boolean).join(' ');
  const pool = new driver.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(merged ? { options: merged } : {}),
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  try {
    const executor = poolExecutor(pool);
    if (target) {
      await ensureSchema(executor, target);
      await expectSearchPath(executor, target);
    }
    if (moveFromSchema !== undefined) await moveTables(executor, moveFromSchema);
    await migrate(executor);
    return createSqlStore(executor);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

/** The connection string without its `options` parameter, and that parameter (pg would let it override ours). */
function splitStartupOptions(connectionString: string): { connectionString: string; startup: string | undefined } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, startup: undefined };
  }
  const startup = url.searchParams.get('options') ?? undefined;
  if (startup === undefined) return { connectionString, startup };
  url.searchParams.delete('options');
  return { connectionString: url.toString(), startup };
}

/**
 * Checks that the start-up search_path took: a pooler that drops start-up parameters (PgBouncer
 * without `options` in `ignore_startup_parameters`) would otherwise put the tables in `public`.
 */
async function expectSearchPath(executor: SqlExecutor, schema: string): Promise<void> {
  const current = (await executor.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
  if (current === schema) return;
  throw new Error(
    `createPostgresStore: the connection's schema is ${current === null || current === undefined ? 'none' : `"${current}"`}, not "${schema}": the search_path start-up option did not take effect. ` +
      'Behind PgBouncer add `options` to ignore_startup_parameters (or connect directly), or set search_path for this role: ALTER ROLE <role> SET search_path = ' +
      `${schema}.`,
  );
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Refuses a database whose Twofold tables sit in the connection's default schema (0.1's layout)
 * while `schema` has none. Looked up on a connection without our search_path, so "default" means
 * what 0.1 used: the first existing schema of the role's search_path.
 */
async function refuseLegacyLayout(driver: typeof pg, connectionString: string, schema: string): Promise<void> {
  const client = new driver.Client({ connectionString, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  let found: { legacy: string | null; in_legacy: boolean; in_schema: boolean } | undefined;
  try {
    await client.connect();
    const r = await client.query<{ legacy: string | null; in_legacy: boolean; in_schema: boolean }>(
      `SELECT current_schema() AS legacy,
              to_regclass(quote_ident(current_schema()) || '.${MIGRATIONS_TABLE}') IS NOT NULL AS in_legacy,
              to_regclass(quote_ident($1) || '.${MIGRATIONS_TABLE}') IS NOT NULL AS in_schema`,
      [schema],
    );
    found = r.rows[0];
  } catch (error) {
    throw unavailable(error);
  } finally {
    await client.end().catch(() => {});
  }
  if (found?.legacy && found.legacy !== schema && found.in_legacy && !found.in_schema) throw new LegacySchemaError(found.legacy, schema);
}

/**
 * `CREATE SCHEMA IF NOT EXISTS` is not safe against itself: of several processes starting at
 * once, all but one would fail on a unique violation. Serialised like the migrations; an existing
 * schema is not created again (a role without CREATE on the database can use one made for it).
 */
async function ensureSchema(executor: SqlExecutor, schema: string): Promise<void> {
  await executor.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('twofold:schema:' || $1))`, [schema]);
    const { rows } = await tx.query<{ owner: string; ours: boolean }>(
      `SELECT pg_get_userbyid(nspowner) AS owner, pg_has_role(current_user, nspowner, 'MEMBER') AS ours FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    if (rows.length > 0) {
      // Made by another role (before the first start, say), the schema and whatever it holds stay
      // that role's: it could read, change or drop Twofold's tables. \`public\` is the old,
      // shared layout a host chose knowingly (schema: 'public').
      if (schema !== 'public') await refuseForeignOwner(tx, schema, rows[0]!);
      return;
    }
    try {
      await tx.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42501') throw error;
      throw new Error(
        `cannot create schema "${schema}": this role lacks CREATE on the database. Have its owner run CREATE SCHEMA ${schema} AUTHORIZATION <this role> once, or choose an existing schema with the \`schema\` option.`,
        { cause: error },
      );
    }
  });
}

async function refuseForeignOwner(tx: SqlExecutor, schema: string, found: { owner: string; ours: boolean }): Promise<void> {
  const fix = (what: string, owner: string) =>
    `createPostgresStore: ${what} is owned by role "${owner}", not by this role or one it belongs to: "${owner}" could read, change or drop Twofold's data. `;
  if (!found.ours) {
    throw new Error(
      `${fix(`schema "${schema}"`, found.owner)}If that is intended, have "${found.owner}" run ALTER SCHEMA ${schema} OWNER TO <this role>; otherwise choose another schema.`,
    );
  }
  const foreign = (
    await tx.query<{ name: string; owner: string }>(
      `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY c.relname`,
      [schema],
    )
  ).rows;
  if (foreign.length > 0) {
    throw new Error(
      `${fix(`table ${schema}.${foreign[0]!.name}${foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : ''}`, foreign[0]!.owner)}Have it run ALTER TABLE … OWNER TO <this role> for them, or start on a schema of your own.`,
    );
  }
}

/** See {@link PostgresStoreOptions.moveFromSchema}: all or nothing, idempotent. */
async function moveTables(executor: SqlExecutor, from: string): Promise<void> {
  await executor.transaction(async (tx) => {
    const to = (await tx.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
    if (!to) throw new Error(`moveFromSchema: the connection has no schema to move "${from}" into`);
    if (to === from) return;
    // Both schemas' migration locks, always in one order: servers of either layout starting now wait.
    for (const s of [from, to].sort()) await tx.query(`SELECT pg_advisory_xact_lock(hashtext('twofold:migrate:' || $1))`, [s]);
    const exists = async (s: string, table: string) =>
      (await tx.query<{ ok: boolean }>(`SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL AS ok`, [s, table]))
        .rows[0]!.ok;
    if (!(await exists(from, MIGRATIONS_TABLE))) return; // moved already, or never there
    if (await exists(to, MIGRATIONS_TABLE)) {
      throw new Error(
        `moveFromSchema: both "${from}" and "${to}" hold Twofold tables; refusing to choose or merge them (nothing was moved). Keep one: point \`schema\` at the one in use, and drop or rename the other yourself.`,
      );
    }
    const applied = new Set(
      (await tx.query<{ version: number }>(`SELECT version FROM ${quoteIdent(from)}.${MIGRATIONS_TABLE}`)).rows.map((r) =>
        Number(r.version),
      ),
    );
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    const newer = [...applied].filter((v) => v > known);
    if (newer.length)
      throw new Error(
        `moveFromSchema: "${from}" has migrations ${newer.join(', ')} of a newer @twofold/server; move it with that version (nothing was moved).`,
      );
    const tables = Object.entries(TWOFOLD_TABLES)
      .filter(([, version]) => applied.has(version))
      .map(([table]) => table);
    const missing: string[] = [];
    const clashing: string[] = [];
    for (const table of tables) {
      if (!(await exists(from, table))) missing.push(table);
      if (await exists(to, table)) clashing.push(table);
    }
    if (missing.length)
      throw new Error(
        `moveFromSchema: "${from}" records Twofold migrations but lacks their tables ${missing.join(', ')} (nothing was moved).`,
      );
    if (clashing.length) throw new Error(`moveFromSchema: "${to}" already has tables named ${clashing.join(', ')} (nothing was moved).`);
    // Indexes, constraints and owned sequences (audit_events.seq) move with their tables.
    for (const table of [...tables, MIGRATIONS_TABLE])
      await tx.query(`ALTER TABLE ${quoteIdent(from)}.${table} SET SCHEMA ${quoteIdent(to)}`);
  });
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
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// What `pg` / `pg-pool` throw, without a code, when a connection is lost or cannot be had.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Connection ended/i;

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
  return new TwofoldError(
    'STORE_UNAVAILABLE',
    'The database cannot be reached right now; try again in a moment.',
    { retryAfterSeconds: 1 },
    { cause: error },
  );
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
