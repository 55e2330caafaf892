import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgliteExecutor } from '../../test/helpers/pglite.js';
import { postgresAvailable, withDatabase as withTestDatabase, withRole } from '../../test/helpers/postgres.js';
import { generateSealingKey, parseKeyring } from '../sealing/keyring.js';
import { createTwofold } from '../twofold.js';
import { createPGliteStore } from './pglite.js';
import { createPostgresStore, LegacySchemaError, type PostgresStoreOptions } from './postgres.js';
import type { SqlExecutor } from '../db/executor.js';
import { migrate } from './sql/migrate.js';
import { MIGRATIONS } from './sql/migrations.js';
import { createSqlStore } from './sql/sql-store.js';
import { MIGRATIONS_TABLE, TWOFOLD_TABLES } from './sql/migrations.js';
import type { Store } from '../store.js';

const hasPostgres = await postgresAvailable();
const rp = { id: 'localhost', origins: ['http://localhost:1'] };
const secretKeys = parseKeyring(generateSealingKey('schema'));
const ALL_TABLES = [...Object.keys(TWOFOLD_TABLES), MIGRATIONS_TABLE].sort();

const withDatabase = (fn: Parameters<typeof withTestDatabase>[0]) => withTestDatabase(fn, 'twofold_schema');

const tablesIn = async (sql: (text: string, values?: unknown[]) => Promise<any[]>, schema: string) =>
  (await sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema])).map(
    (r) => r.table_name as string,
  );

const schemaExists = async (sql: (text: string, values?: unknown[]) => Promise<any[]>, schema: string) =>
  (await sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).length === 1;

/** A {@link SqlExecutor} over one plain client: the connection's own search_path, as 0.1 used it. */
function overClient(client: pg.Client, inTransaction = false): SqlExecutor {
  return {
    inTransaction,
    async query<T>(text: string, values: unknown[] = []) {
      const r = await client.query(text, values);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(this);
      await client.query('BEGIN');
      try {
        const result = await fn(overClient(client, true));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    close: () => client.end(),
  };
}

/** An earlier version's database on `exec`: the migrations up to `version`, and `user`. */
async function layOutEarlierVersion(exec: SqlExecutor, version: number, user: { id: string; username: string; displayName: string }) {
  await migrate(
    exec,
    MIGRATIONS.filter((m) => m.version <= version),
  );
  await createSqlStore(exec).insertUser({ ...user, createdAt: new Date() });
}

async function usingStore<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe.skipIf(!hasPostgres)('PostgreSQL: Twofold tables in their own schema', () => {
  it('a fresh database gets every table in schema "twofold", none in public', async () => {
    await withDatabase(async (url, sql) => {
      await usingStore(await createPostgresStore({ connectionString: url }), async (store) => {
        await createTwofold({ store, rp, secretKeys }).users.create({ username: 'ada' });
      });
      expect(await tablesIn(sql, 'twofold')).toEqual(ALL_TABLES);
      expect(await tablesIn(sql, 'public')).toEqual([]);
      expect(await sql('SELECT username FROM twofold.users')).toEqual([{ username: 'ada' }]);
    });
  });

  it("works beside the app's own public.users, sessions and devices, leaving them alone", async () => {
    await withDatabase(async (url, sql) => {
      await sql('CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL)');
      await sql('CREATE TABLE public.sessions (sid text PRIMARY KEY)');
      await sql('CREATE TABLE public.devices (serial_no text PRIMARY KEY)');
      await sql(`INSERT INTO public.users (email) VALUES ('app@example.com')`);
      // 0.1 failed here: 42P07 relation "users" already exists.
      await usingStore(await createPostgresStore({ connectionString: url }), async (store) => {
        const twofold = createTwofold({ store, rp, secretKeys });
        const { userId } = await twofold.users.create({ username: 'ada' });
        expect((await twofold.users.get({ userId })).username).toBe('ada');
        const token = await twofold.tokens.issue({ userId, amr: ['passkey'] });
        expect((await twofold.tokens.verify({ token })).userId).toBe(userId);
      });
      expect(await sql('SELECT id, email FROM public.users')).toEqual([{ id: 1, email: 'app@example.com' }]);
      expect(await tablesIn(sql, 'public')).toEqual(['devices', 'sessions', 'users']);
      expect((await sql('SELECT count(*)::int AS n FROM twofold.sessions'))[0].n).toBe(1);
    });
  });

  it('a role without CREATE on the database gets a fix to run, then uses the schema its owner made', async () => {
    await withDatabase((url, sql) =>
      withRole(url, sql, async (asRole) => {
        const role = new URL(asRole).username;
        await expect(createPostgresStore({ connectionString: asRole })).rejects.toThrow(
          `cannot create schema "twofold": this role lacks CREATE on the database. Have its owner run CREATE SCHEMA twofold AUTHORIZATION <this role> once`,
        );
        await sql(`CREATE SCHEMA twofold AUTHORIZATION ${role}`);
        await usingStore(await createPostgresStore({ connectionString: asRole }), async (store) => {
          await createTwofold({ store, rp, secretKeys }).users.create({ username: 'ada' });
        });
        expect(await sql('SELECT username FROM twofold.users')).toEqual([{ username: 'ada' }]);
        await sql(`DROP SCHEMA twofold CASCADE`);
      }),
    );
  });

  it('refuses a schema, or tables in it, that another role owns (made before the first start, it could read and change everything); the owner handing it over fixes it', async () => {
    await withDatabase((url, sql) =>
      withRole(url, sql, async (asApp) => {
        const role = new URL(asApp).username;
        // Another role (here the superuser) prepared schema twofold and let the app in.
        await sql(`CREATE SCHEMA twofold`);
        await sql(`GRANT USAGE, CREATE ON SCHEMA twofold TO ${role}`);
        await expect(createPostgresStore({ connectionString: asApp })).rejects.toThrow(
          /schema "twofold" is owned by role "postgres", not by this role/,
        );
        expect(await tablesIn(sql, 'twofold')).toEqual([]);
        // Handed over, but with a table of that other role left inside.
        await sql(`ALTER SCHEMA twofold OWNER TO ${role}`);
        await sql(`CREATE TABLE twofold.users (id text)`);
        await expect(createPostgresStore({ connectionString: asApp })).rejects.toThrow(/table twofold\.users is owned by role "postgres"/);
        await sql(`DROP TABLE twofold.users`);
        await usingStore(await createPostgresStore({ connectionString: asApp }), async (store) => {
          await createTwofold({ store, rp, secretKeys }).users.create({ username: 'ada' });
        });
        expect(await sql('SELECT username FROM twofold.users')).toEqual([{ username: 'ada' }]);
        await sql(`DROP SCHEMA twofold CASCADE`);
      }),
    );
  });

  it("other start-up options in the connection string (?options=-c statement_timeout=…) do not drop the schema's search_path", async () => {
    await withDatabase(async (url, sql) => {
      const withOptions = new URL(url);
      withOptions.searchParams.set('options', '-c statement_timeout=5000');
      await usingStore(await createPostgresStore({ connectionString: withOptions.toString() }), async (store) => {
        await createTwofold({ store, rp, secretKeys }).users.create({ username: 'ada' });
      });
      expect(await tablesIn(sql, 'public')).toEqual([]);
      expect(await sql('SELECT username FROM twofold.users')).toEqual([{ username: 'ada' }]);
    });
  });

  it('honours a search_path in the connection string when no schema is given (as 0.1 did); both at once is refused', async () => {
    await withDatabase(async (url, sql) => {
      await sql('CREATE SCHEMA app_auth');
      const withPath = new URL(url);
      withPath.searchParams.set('options', '-c search_path=app_auth');
      await usingStore(await createPostgresStore({ connectionString: withPath.toString() }), async () => {});
      expect(await tablesIn(sql, 'app_auth')).toEqual(ALL_TABLES);
      expect(await schemaExists(sql, 'twofold')).toBe(false);
      await expect(createPostgresStore({ connectionString: withPath.toString(), schema: 'other' })).rejects.toThrow(/keep one of them/);
    });
  });
});

describe.skipIf(!hasPostgres)('PostgreSQL: upgrading a database laid out by 0.1 (tables in public)', () => {
  /** 0.1's layout with some data: a user, a sealed signing key, an API key, audit events. */
  async function createOldLayout(url: string) {
    return usingStore(await createPostgresStore({ connectionString: url, schema: 'public' }), async (store) => {
      const twofold = createTwofold({ store, rp, secretKeys });
      const { userId } = await twofold.users.create({ username: 'ada' });
      const token = await twofold.tokens.issue({ userId, amr: ['passkey'] });
      const { secret } = await twofold.apiKeys.create({ name: 'backend', scopes: ['users.retrieve'] });
      return { userId, token, secret, events: (await twofold.audit.list({})).length };
    });
  }

  /** Starts Twofold on `old`'s database with store `options`, checks it serves `old`'s user and token, then runs `more`. */
  async function startOnOldData(
    url: string,
    old: Awaited<ReturnType<typeof createOldLayout>>,
    options: Omit<PostgresStoreOptions, 'connectionString'>,
    more: (twofold: ReturnType<typeof createTwofold>) => Promise<void> = async () => {},
  ) {
    await usingStore(await createPostgresStore({ connectionString: url, ...options }), async (store) => {
      const twofold = createTwofold({ store, rp, secretKeys });
      expect((await twofold.users.get({ userId: old.userId })).username).toBe('ada');
      expect((await twofold.tokens.verify({ token: old.token })).userId).toBe(old.userId);
      await more(twofold);
    });
  }

  it('refuses to start on an empty "twofold" beside the data, naming both fixes, and creates nothing', async () => {
    await withDatabase(async (url, sql) => {
      await createOldLayout(url);
      const error = await createPostgresStore({ connectionString: url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LegacySchemaError);
      expect(error).toMatchObject({ foundIn: 'public', schema: 'twofold' });
      expect((error as Error).message).toContain("schema: 'public'");
      expect((error as Error).message).toContain("moveFromSchema: 'public'");
      expect(await schemaExists(sql, 'twofold')).toBe(false);
      expect(await tablesIn(sql, 'public')).toEqual(ALL_TABLES);
    });
  });

  it("schema: 'public' keeps the old layout working as it is", async () => {
    await withDatabase(async (url, sql) => {
      await startOnOldData(url, await createOldLayout(url), { schema: 'public' });
      expect(await schemaExists(sql, 'twofold')).toBe(false);
    });
  });

  it('moveFromSchema moves every table with its data in one go, then is a no-op', async () => {
    await withDatabase(async (url, sql) => {
      const old = await createOldLayout(url);
      // the user and its token still there: the sealed signing key moved too
      await startOnOldData(url, old, { moveFromSchema: 'public' }, async (twofold) => {
        await twofold.tokens.ready();
        expect((await twofold.apiKeys.authenticate({ secret: old.secret }))?.name).toBe('backend');
        await twofold.users.create({ username: 'bob' }); // audit_events' sequence moved with it
        expect((await twofold.audit.list({})).length).toBe(old.events + 1);
      });
      expect(await tablesIn(sql, 'public')).toEqual([]);
      expect(await tablesIn(sql, 'twofold')).toEqual(ALL_TABLES);
      expect((await sql(`SELECT sequence_schema FROM information_schema.sequences`)).map((r) => r.sequence_schema)).toEqual(['twofold']);
      // Started again, with the option left in or taken out: the data is there, nothing moves.
      for (const options of [{ moveFromSchema: 'public' }, {}]) {
        await usingStore(await createPostgresStore({ connectionString: url, ...options }), async (store) => {
          expect((await store.getUserByUsername('bob'))?.username).toBe('bob');
          expect((await store.getUserById(old.userId))?.username).toBe('ada');
        });
      }
      expect(await tablesIn(sql, 'public')).toEqual([]);
    });
  });

  it('servers upgrading at once: one moves, the others find it moved', async () => {
    await withDatabase(async (url, sql) => {
      const old = await createOldLayout(url);
      const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ connectionString: url, moveFromSchema: 'public' })));
      try {
        for (const store of stores) expect((await store.getUserById(old.userId))?.username).toBe('ada');
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      expect(await tablesIn(sql, 'twofold')).toEqual(ALL_TABLES);
      expect(await tablesIn(sql, 'public')).toEqual([]);
    });
  });

  it("moves only the tables of migrations applied there: an older database keeps the host's same-named table", async () => {
    await withDatabase(async (url, sql) => {
      // A database 0.1 left at migration 8, run on a plain connection (its search_path: public).
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await layOutEarlierVersion(overClient(client), 8, { id: 'u1', username: 'ada', displayName: 'Ada' });
      await client.end();
      // device_keys (migration 10) is not Twofold's here: it is the host's.
      await sql('CREATE TABLE public.device_keys (host_column int)');
      await usingStore(await createPostgresStore({ connectionString: url, moveFromSchema: 'public' }), async (store) => {
        expect((await store.getUserById('u1'))?.username).toBe('ada');
      });
      expect(await tablesIn(sql, 'public')).toEqual(['device_keys']);
      expect(
        (await sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'device_keys'`)).map(
          (r) => r.column_name,
        ),
      ).toEqual(['host_column']);
      expect(await tablesIn(sql, 'twofold')).toEqual(ALL_TABLES);
      expect((await sql('SELECT version FROM twofold.twofold_migrations ORDER BY version')).map((r) => r.version)).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
    });
  });

  it('moves nothing when it cannot move everything: a clashing table in the target, or Twofold tables in both', async () => {
    await withDatabase(async (url, sql) => {
      await createOldLayout(url);
      await sql('CREATE SCHEMA twofold');
      await sql('CREATE TABLE twofold.sessions (host_column int)');
      await expect(createPostgresStore({ connectionString: url, moveFromSchema: 'public' })).rejects.toThrow(
        /already has tables named sessions.*nothing was moved/,
      );
      expect(await tablesIn(sql, 'public')).toEqual(ALL_TABLES);
      expect(await tablesIn(sql, 'twofold')).toEqual(['sessions']);
    });
    await withDatabase(async (url, sql) => {
      await usingStore(await createPostgresStore({ connectionString: url }), (store) =>
        store.insertUser({ id: 'n', username: 'new', displayName: 'N', createdAt: new Date() }),
      );
      const old = await createOldLayout(url);
      // The new schema exists, so a plain start uses it (it does not look at public again) ...
      await usingStore(await createPostgresStore({ connectionString: url }), async (store) =>
        expect(await store.getUserById(old.userId)).toBeNull(),
      );
      // ... and a move refuses to pick one or merge them.
      await expect(createPostgresStore({ connectionString: url, moveFromSchema: 'public' })).rejects.toThrow(
        /both "public" and "twofold" hold Twofold tables/,
      );
      expect(await sql('SELECT username FROM public.users')).toEqual([{ username: 'ada' }]);
      expect(await sql('SELECT username FROM twofold.users')).toEqual([{ username: 'new' }]);
    });
  });

  it('TWOFOLD_TABLES names exactly the tables each migration creates', async () => {
    await withDatabase(async (url, sql) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const m of MIGRATIONS) {
          await migrate(
            overClient(client),
            MIGRATIONS.filter((x) => x.version <= m.version),
          );
          const expected = [
            ...Object.entries(TWOFOLD_TABLES)
              .filter(([, v]) => v <= m.version)
              .map(([t]) => t),
            MIGRATIONS_TABLE,
          ].sort();
          expect(await tablesIn(sql, 'public'), `after migration ${m.version}`).toEqual(expected);
        }
      } finally {
        await client.end();
      }
    });
  });
});

describe('PGlite keeps its tables in public (an embedded database of its own)', () => {
  it('a data directory made by an earlier version opens as it is, and new ones use the same layout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'twofold-pglite-layout-'));
    try {
      // An earlier version's data directory: migrations up to 11 in public, a user.
      const db = await PGlite.create(dir);
      await layOutEarlierVersion(pgliteExecutor(db), 11, { id: 'u1', username: 'kept', displayName: 'Kept' });
      await db.close();

      const store = await createPGliteStore({ dataDir: dir });
      try {
        expect((await store.getUserByUsername('kept'))?.id).toBe('u1');
        const twofold = createTwofold({ store, rp }); // embedded: no secret keys needed, as before
        await twofold.tokens.ready();
      } finally {
        await store.close();
      }
      const reopened = await PGlite.create(dir);
      const schemas = await reopened.query<{ table_schema: string }>(
        `SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name IN ('users', 'device_keys', ${`'${MIGRATIONS_TABLE}'`})`,
      );
      expect(schemas.rows.map((r) => r.table_schema)).toEqual(['public']);
      const versions = await reopened.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`);
      expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
