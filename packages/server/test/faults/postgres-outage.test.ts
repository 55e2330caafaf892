import type { createSoftAuthenticator } from '@twofold/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/cli/serve.js';
import { readSettings } from '../../src/adapters/node/settings.js';
import { generateSealingKey } from '../../src/sealing/keyring.js';
import { createPostgresStore } from '../../src/storage/postgres.js';
import { createTestApp, signUp } from '../helpers/app.js';
import { adminQuery, withSchema } from '../helpers/cluster.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const hasPostgres = await postgresAvailable();

type Authenticator = ReturnType<typeof createSoftAuthenticator>;
const counterOf = (assertion: { response: { authenticatorData: string } }) =>
  Buffer.from(assertion.response.authenticatorData, 'base64url').readUInt32BE(33);

/**
 * PostgreSQL unreachable for a few seconds (a proxy in front of it is cut, then restored; the
 * real server keeps running): requests get a clean 503 problem+json `STORE_UNAVAILABLE`, the same
 * server instance recovers without a restart, and nothing it acknowledged is lost.
 */
describe.skipIf(!hasPostgres)('PostgreSQL unreachable for a few seconds', () => {
  const target = new URL(TEST_DATABASE_URL);
  const schema = `twofold_outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await cleanup?.();
    await adminQuery(TEST_DATABASE_URL, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('answers 503 STORE_UNAVAILABLE while it is gone, recovers by itself, and loses no acknowledged write', async () => {
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const store = await createPostgresStore({ connectionString: viaProxy.toString(), schema });
    const unexpected: unknown[] = [];
    const app = createTestApp(store, { onError: (e) => void unexpected.push(e) });
    cleanup = async () => {
      await store.close().catch(() => {});
      await proxy.close();
    };

    const [prober, ...users] = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(app))); // one signs in at a time each
    const acked = new Map<string, number[]>(); // credential id -> counters of acknowledged sign-ins
    const statuses: { status: number; code?: string; retryAfter: string | null; type: string | null; phase: string }[] = [];
    let phase = 'before';
    let running = true;
    // Each answer is filed under the phase its request was sent in.
    const file = (res: Awaited<ReturnType<typeof app.call>>, sent: string) => {
      statuses.push({
        status: res.status,
        code: res.json?.code,
        retryAfter: res.headers.get('retry-after'),
        type: res.headers.get('content-type'),
        phase: sent,
      });
    };
    const signIn = async (user: { authenticator: Authenticator; username: string }) => {
      let sent = phase;
      const opts = await app.call('POST', '/passkeys/authenticate/options', { username: user.username });
      file(opts, sent);
      if (opts.status !== 200) return false;
      const response = await user.authenticator.getAssertion(opts.json.options);
      sent = phase;
      const done = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response });
      file(done, sent);
      if (done.status !== 200) return false;
      const id = response.id;
      (acked.get(id) ?? acked.set(id, []).get(id)!).push(counterOf(response));
      return true;
    };
    const load = users.map(async (u) => {
      while (running) {
        await signIn(u);
        await new Promise((r) => setTimeout(r, 5));
      }
    });

    await new Promise((r) => setTimeout(r, 500));
    phase = 'outage';
    await proxy.cut();
    await new Promise((r) => setTimeout(r, 2500));
    // While it is gone: a service call and a ceremony start both fail cleanly, quickly.
    const started = Date.now();
    const during = await app.call('POST', '/passkeys/authenticate/options', {});
    expect(Date.now() - started).toBeLessThan(4000); // refused at once; well under the 5 s connect timeout even on a loaded host
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toBe('application/problem+json');
    expect(during.headers.get('retry-after')).toBe('1');
    expect(during.json).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
    expect(JSON.stringify(during.json)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432/); // no driver detail leaked

    await proxy.restore();
    phase = 'restoring';
    // The same instance recovers: the pool reconnects by itself. From the first success on,
    // every request sent succeeds.
    const deadline = Date.now() + 10_000;
    while (!(await signIn(prober!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    phase = 'after';
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(load);

    const outage = statuses.filter((s) => s.phase === 'outage');
    expect(outage.length).toBeGreaterThan(0);
    // Every answer is a success or a clean 503 problem+json; never a 500.
    for (const s of statuses) {
      if (s.status === 200) continue;
      expect(s).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', retryAfter: '1', type: 'application/problem+json' });
    }
    expect(outage.some((s) => s.status === 503)).toBe(true);
    expect(statuses.filter((s) => s.phase === 'after' && s.status === 200).length).toBeGreaterThan(2);
    expect(statuses.filter((s) => s.phase === 'after' && s.status !== 200)).toEqual([]);
    // Outages are reported to the host (onError), nothing else went wrong.
    expect(unexpected.length).toBeGreaterThan(0);
    expect(unexpected.every((e) => (e as { code?: string }).code === 'STORE_UNAVAILABLE')).toBe(true);

    // Nothing acknowledged was lost: each counter is at least the newest acknowledged one, and
    // each acknowledged sign-in has its event (a sign-in committed while its answer was lost may
    // add one more: at most once per 503 seen).
    const db = new pg.Client({ connectionString: withSchema(TEST_DATABASE_URL, schema) });
    await db.connect();
    try {
      for (const [credentialId, counters] of acked) {
        const { rows } = await db.query(
          'SELECT p.counter, (SELECT count(*) FROM audit_events e WHERE e.device_id = p.device_id AND e.type = $2)::int AS events FROM passkeys p WHERE credential_id = $1',
          [credentialId, 'user.signed_in'],
        );
        expect(Number(rows[0].counter)).toBeGreaterThanOrEqual(Math.max(...counters));
        expect(rows[0].events).toBeGreaterThanOrEqual(counters.length);
      }
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM devices d WHERE NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.device_id = d.id) AND d.type = 'passkey'",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  }, 60_000);
});

describe.skipIf(!hasPostgres)('GET /healthz of `twofold serve` follows the database', () => {
  it('is 200 while PostgreSQL answers, 503 STORE_UNAVAILABLE while it is gone, 200 again after', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const schema = `twofold_health_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(TEST_DATABASE_URL, `CREATE SCHEMA ${schema}`);
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const settings = readSettings({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: withSchema(viaProxy.toString(), schema),
        TWOFOLD_SECRET_KEYS: generateSealingKey('k1'),
      },
    });
    const server = await startServer(settings, () => {});
    try {
      const health = async () => {
        const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as any };
      };
      expect(await health()).toMatchObject({ status: 200, json: { status: 'ok' } });
      await proxy.cut();
      expect(await health()).toMatchObject({ status: 503, type: 'application/problem+json', json: { code: 'STORE_UNAVAILABLE' } });
      await proxy.restore();
      expect(await health()).toMatchObject({ status: 200, json: { status: 'ok' } });
    } finally {
      await server.close();
      await proxy.close();
      await adminQuery(TEST_DATABASE_URL, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }, 60_000);
});
