import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../index.js';
import { createTwofold } from '../twofold.js';
import { createPostgresStore } from './postgres.js';
import type { Store } from '../store.js';
import { openPGlite, useStore } from '../../test/helpers/backends.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../../test/helpers/postgres.js';

const hasPostgres = await postgresAvailable();
const rp = { id: 'localhost', origins: ['http://localhost:1'] };

// Issue 22: library mode on PostgreSQL without secret keys used to start silently and store the
// signing private key in clear; now it refuses, naming the option and how to make a key.
describe.skipIf(!hasPostgres)('createTwofold on PostgreSQL needs secretKeys', () => {
  const schema = `twofold_keys_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let store: Store;
  beforeAll(async () => {
    store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
  });
  afterAll(async () => {
    await store?.close();
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('refuses to start without them, naming the option, the key generator and the opt-out', () => {
    expect(store.embedded).toBe(false);
    let error: unknown;
    try {
      createTwofold({ store, rp });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as Error).message;
    expect(message).toContain('`secretKeys` option is required');
    expect(message).toContain('generateSealingKey()');
    expect(message).toContain('parseKeyring');
    expect(message).toContain('insecureNoSecretKeys: true');
    expect(message).not.toContain('TWOFOLD_SECRET_KEYS'); // the library reads no environment variable
  });

  it('starts with a key made in code, and seals the signing key with it', async () => {
    const secret = generateSealingKey('lib'); // what a host stores in its secret store
    const twofold = createTwofold({ store, rp, secretKeys: parseKeyring(secret) });
    await twofold.tokens.ready();
    const [key] = await store.listSigningKeys();
    expect(key!.privateJwk).toEqual({ sealed: expect.stringMatching(/^tf1\.lib\./) });
  });

  it("an empty value where keys should be (null, '', false, []) is refused, not taken for no keys (attacker review)", () => {
    for (const secretKeys of [null, '', false, 0, []]) {
      expect(() => createTwofold({ store, rp, secretKeys: secretKeys as never }), JSON.stringify(secretKeys)).toThrow(
        /secretKeys must be a non-empty array/,
      );
    }
  });

  it('starts without them only with the loudly named development opt-out', () => {
    expect(() => createTwofold({ store, rp, insecureNoSecretKeys: true })).not.toThrow();
    expect(() => createTwofold({ store, rp, insecureNoSecretKeys: false })).toThrow(/secretKeys/);
  });
});

describe('PGlite and stores of your own', () => {
  const pglite = useStore(openPGlite);

  it('an embedded PGlite store may run without secret keys, as before', async () => {
    expect(pglite.store.embedded).toBe(true);
    await pglite.store.transaction(async (tx) => expect(tx.embedded).toBe(true));
    expect(() => createTwofold({ store: pglite.store, rp })).not.toThrow();
  });

  it('a store that does not say it is embedded (a store of your own) needs them too', () => {
    const own: Store = { ...pglite.store, embedded: undefined };
    expect(() => createTwofold({ store: own, rp })).toThrow(/`secretKeys` option is required/);
    expect(() => createTwofold({ store: own, rp, secretKeys: parseKeyring(generateSealingKey()) })).not.toThrow();
  });

  it('errors name the option, not an environment variable the library does not read: transactions and face enrolment', async () => {
    const twofold = createTwofold({ store: pglite.store, rp });
    const { userId } = await twofold.users.create({ username: 'keyless' });
    const tx = await twofold.transactions.create({ userId, message: 'Pay', context: 1 }).catch((e: Error) => e);
    expect(tx).toMatchObject({ code: 'NOT_CONFIGURED' });
    expect((tx as Error).message).toContain('`secretKeys` option of createTwofold');
    expect((tx as Error).message).not.toContain('TWOFOLD_');

    const session = await twofold.tokens.verify({ token: await twofold.tokens.issue({ userId, amr: ['passkey'] }) });
    const face = await twofold.face.enroll({ session, challengeId: 'c', evidence: { frames: [] } as never }).catch((e: Error) => e);
    expect(face).toMatchObject({ code: 'NOT_CONFIGURED' });
    expect((face as Error).message).toContain('`secretKeys` option of createTwofold');
    expect((face as Error).message).not.toContain('TWOFOLD_');
  });
});
