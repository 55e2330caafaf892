import pg from 'pg';
import { createPostgresStore } from '../../src/storage/postgres.js';
import type { Store } from '../../src/store.js';

/** The PostgreSQL the tests use; CI has one at 127.0.0.1:5432 with trust auth. */
export const TEST_DATABASE_URL = process.env.TWOFOLD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Under `CI=true` it must: a missing server fails the run instead of
 * skipping, so a green CI always includes the PostgreSQL half of the conformance suite.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but PostgreSQL at ${TEST_DATABASE_URL} does not answer: ${String(error)}`);
    }
    console.warn(
      `\n!!! PostgreSQL at ${TEST_DATABASE_URL} does not answer — SKIPPING the PostgreSQL tests.\n!!! Set TWOFOLD_TEST_DATABASE_URL or start a server; CI never skips these.\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A store in a fresh schema of its own; `drop()` removes the schema. */
export async function createTestPostgresStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const schema = `twofold_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
  return {
    store,
    async drop() {
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Runs SQL on one connection: the rows. */
export type RunSql = (text: string, values?: unknown[]) => Promise<any[]>;

/**
 * A database of its own (so its `public` and `twofold` are the test's alone), dropped afterwards.
 * `fn` gets its URL and a superuser connection to it.
 */
export async function withDatabase(fn: (url: string, sql: RunSql) => Promise<void>, prefix = 'twofold_db'): Promise<void> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await fn(url.toString(), async (text, values) => (await client.query(text, values)).rows);
  } finally {
    await client.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * A login role of its own in the database at `url` (`sql` connected there as a superuser):
 * `fn` gets the URL that connects as it. What it owns and the role go afterwards.
 */
export async function withRole(url: string, sql: RunSql, fn: (asRole: string) => Promise<void>): Promise<void> {
  const role = `twofold_role_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await sql(`CREATE ROLE ${role} LOGIN`);
  try {
    const asRole = new URL(url);
    asRole.username = role;
    await fn(asRole.toString());
  } finally {
    await sql(`DROP OWNED BY ${role}`).catch(() => {});
    await sql(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  }
}
