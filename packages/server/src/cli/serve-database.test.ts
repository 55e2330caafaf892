import { describe, expect, it } from 'vitest';
import { postgresAvailable, withDatabase as withTestDatabase } from '../../test/helpers/postgres.js';
import { generateSealingKey } from '../sealing/keyring.js';
import { createPostgresStore } from '../storage/postgres.js';
import { startServer } from './serve.js';
import { readSettings, resolveSettings } from '../adapters/node/settings.js';

const hasPostgres = await postgresAvailable();

const withDatabase = (fn: Parameters<typeof withTestDatabase>[0]) => withTestDatabase(fn, 'twofold_cli');

const serveOn = (url: string, env: Record<string, string> = {}) =>
  startServer(
    readSettings({
      env: { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, TWOFOLD_FACE_THREADS: '0', TWOFOLD_SWEEP_INTERVAL_SECONDS: '0', ...env },
    }),
    () => {},
  );

describe.skipIf(!hasPostgres)('twofold serve on PostgreSQL: schema and secret keys', () => {
  it('puts the tables in schema twofold; on a 0.1 database (tables in public) it refuses, naming its settings, until told to keep or move them', async () => {
    await withDatabase(async (url, sql) => {
      const keys = { TWOFOLD_SECRET_KEYS: generateSealingKey('cli') };
      const old = await createPostgresStore({ connectionString: url, schema: 'public' }); // 0.1's layout
      await old.insertUser({ id: 'u1', username: 'ada', displayName: 'Ada', createdAt: new Date() });
      await old.close();

      const refused = await serveOn(url, keys).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain('TWOFOLD_DATABASE_SCHEMA=public');
      expect((refused as Error).message).toContain('TWOFOLD_MOVE_FROM_SCHEMA=public');

      const kept = await serveOn(url, { ...keys, TWOFOLD_DATABASE_SCHEMA: 'public' });
      expect((await fetch(`${kept.url}/healthz`)).status).toBe(200);
      await kept.close();

      const moved = await serveOn(url, { ...keys, TWOFOLD_MOVE_FROM_SCHEMA: 'public' });
      expect((await fetch(`${moved.url}/healthz`)).status).toBe(200);
      await moved.close();
      expect(await sql(`SELECT username FROM twofold.users`)).toEqual([{ username: 'ada' }]);
      expect(await sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
    });
  });

  it('without secret keys starts only with TWOFOLD_INSECURE_NO_SECRET_KEYS=true (which reaches createTwofold)', async () => {
    await withDatabase(async (url) => {
      await expect(serveOn(url)).rejects.toThrow(/TWOFOLD_SECRET_KEYS is required/);
      const dev = await serveOn(url, { TWOFOLD_INSECURE_NO_SECRET_KEYS: 'true' });
      expect((await fetch(`${dev.url}/healthz`)).status).toBe(200);
      await dev.close();
    });
  });

  it('validates the schema settings', () => {
    expect(() => resolveSettings([], { TWOFOLD_DATABASE_SCHEMA: 'x' })).toThrow(/needs DATABASE_URL/);
    expect(() => resolveSettings([], { DATABASE_URL: 'postgres://h/db', TWOFOLD_MOVE_FROM_SCHEMA: 'Bad-Name' })).toThrow(/schema name/);
    expect(resolveSettings(['--database-schema', 'auth'], { DATABASE_URL: 'postgres://h/db' }).settings.databaseSchema).toBe('auth');
  });
});
