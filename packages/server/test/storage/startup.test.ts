import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/storage/sql/index.js';
import { createPostgresStore } from '../../src/storage/postgres.js';
import type { Store } from '../../src/store.js';
import { createTwofold } from '../../src/twofold.js';
import { pgliteExecutor } from '../helpers/pglite.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../helpers/postgres.js';

const hasPostgres = await postgresAvailable();
const SECRET = 'tfk_startup-race-0123456789abcdef';

/**
 * Several servers started at once on a fresh database (how a deployment scales out): every
 * start-up write must be idempotent under concurrency, and exactly one signing key may be active,
 * or one server answers the others' sessions with INVALID_TOKEN until its key cache expires.
 */
describe.skipIf(!hasPostgres)('simultaneous start-up on one PostgreSQL (three servers)', () => {
  it('every server starts, exactly one signing key is active, and each verifies the others’ tokens', async () => {
    for (let round = 0; round < 4; round++) {
      const schema = `twofold_startup_${process.pid}_${round}_${Math.random().toString(36).slice(2, 8)}`;
      const stores: Store[] = [];
      try {
        stores.push(...(await Promise.all([1, 2, 3].map(() => createPostgresStore({ connectionString: TEST_DATABASE_URL, schema })))));
        const servers = stores.map((store) =>
          createTwofold({ store, rp: { id: 'localhost', origins: ['http://localhost:1'] }, insecureNoSecretKeys: true }),
        );
        // What `twofold serve` does at start: ensure the configured API key, then the signing key.
        const started = await Promise.allSettled(
          servers.map((t) => t.apiKeys.ensure({ name: 'TWOFOLD_API_KEY', secret: SECRET }).then(() => t.tokens.ready())),
        );
        expect(
          started.filter((s) => s.status === 'rejected'),
          `round ${round}`,
        ).toEqual([]);

        const keys = await stores[0]!.listSigningKeys();
        expect(
          keys.filter((k) => k.retiredAt === null),
          `round ${round}: active signing keys`,
        ).toHaveLength(1);
        expect((await servers[0]!.apiKeys.authenticate({ secret: SECRET }))?.name).toBe('TWOFOLD_API_KEY');
        for (const issuer of servers) {
          const token = await issuer.tokens.issue({ userId: 'u1', amr: ['passkey'] });
          for (const verifier of servers) expect((await verifier.tokens.verify({ token })).userId).toBe('u1');
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    }
  });
});

describe('migration 6 on a database the race already hit', () => {
  it('keeps the newest active signing key, retires the others, then allows only one', async () => {
    const db = await PGlite.create();
    const exec = pgliteExecutor(db);
    await migrate(
      exec,
      MIGRATIONS.filter((m) => m.version < 6),
    );
    for (const [kid, day] of [
      ['a', 1],
      ['c', 3],
      ['b', 2],
    ] as const) {
      await exec.query(`INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at) VALUES ($1, 'ES256', '{}', '{}', $2)`, [
        kid,
        new Date(Date.UTC(2030, 0, day)),
      ]);
    }
    expect(
      await migrate(
        exec,
        MIGRATIONS.filter((m) => m.version <= 6),
      ),
    ).toEqual([6]);
    const { rows } = await exec.query<{ kid: string }>('SELECT kid FROM signing_keys WHERE retired_at IS NULL');
    expect(rows.map((r) => r.kid)).toEqual(['c']);
    await expect(
      exec.query(`INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at) VALUES ('d', 'ES256', '{}', '{}', now())`),
    ).rejects.toThrow(/signing_keys_one_active/);
    await db.close();
  });
});
