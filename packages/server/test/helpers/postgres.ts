import pg from 'pg';
import { createPostgresStore } from '../../src/storage/postgres.js';
import type { Store } from '../../src/storage/store.js';

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
