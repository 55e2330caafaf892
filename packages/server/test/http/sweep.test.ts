import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/storage/postgres.js';
import type { Store } from '../../src/store.js';
import { sha256Base64Url } from '../../src/util/encoding.js';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { storeBackends } from '../helpers/backends.js';
import pg from 'pg';
import { postgresAvailable, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { bindDevice, createTestApp, signUp, uniqueName } from '../helpers/app.js';
import { killAllCli, runCli } from '../helpers/cli.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Issue 13 item 6: nothing was swept but ceremonies, rate-limit counters and temporary face
// states. Recovery flows, audit events, transactions, codes (and now sessions) grew forever, and
// the activity view showed the last 50 events, so anyone able to cause events for a user (a
// stranger starting credential resets with their id) could push the rest out of sight.
const DAY = 86_400;

describe.each(await storeBackends())('sweep and activity history on %s', (_name, open) => {
  let store: Store;
  let close: () => Promise<void>;
  const secretKeys = parseKeyring(generateSealingKey('k1'));
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close());

  it('keeps rows for their retention, then deletes them: flows, codes, transactions after 30 days, events after a year', async () => {
    const app = createTestApp(store, { secretKeys });
    const service = (await app.twofold.apiKeys.create({ name: 'svc', scopes: ['codes.generate', 'transactions.create'] })).secret;
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    await app.call(
      'POST',
      '/codes/short/generate',
      { userId: user.userId, purpose: 'add_credential', authorize: true },
      { token: service },
    );
    const tx = await app.call(
      'POST',
      '/transactions',
      { userId: user.userId, message: 'Pay 10 €', context: { a: 1 }, ttlSeconds: 60 },
      { token: service },
    );
    const flow = await app.call('POST', '/recovery', {
      kind: 'credential_reset',
      userId: user.userId,
      deviceProof: await key.proof(user.userId, 'recovery'),
    });
    const flowHash = await sha256Base64Url(flow.json.flowId);
    const ceremony = (await app.call('POST', '/passkeys/register/options', { username: uniqueName() })).json.ceremonyId as string; // stored
    const signIn = (await app.call('POST', '/passkeys/authenticate/options', {})).json; // stateless: its use leaves a marker
    expect(
      (
        await app.call('POST', '/passkeys/authenticate/verify', {
          ceremonyId: signIn.ceremonyId,
          response: await user.authenticator.getAssertion(signIn.options),
        })
      ).status,
    ).toBe(200);
    expect(await store.useCeremonyMarker(signIn.options.challenge, new Date(Date.UTC(2100, 0)))).toBe(false);
    const { sessionId } = await app.twofold.tokens.verify({ token: user.token });
    const codes = () => store.listCodes({ userId: user.userId, type: 'short', purpose: 'add_credential', limit: 10 });
    const events = async () => (await app.twofold.audit.page({ userId: user.userId, limit: 100 })).events.length;
    expect(await codes()).toHaveLength(1);
    const eventCount = await events();
    expect(eventCount).toBeGreaterThanOrEqual(5); // user.created, passkey.added, device_key.registered, code.generated, transaction.created, recovery.started

    app.clock.advance(16 * 60); // the ceremony, the session, the flow, the code and the transaction have expired
    const first = await app.twofold.sweep();
    expect(first.ran).toBe(true);
    expect(first.deleted.ceremonies).toBeGreaterThanOrEqual(1);
    // a used ceremony's marker outlives it by an hour (servers' clocks may differ a little)
    expect(await store.useCeremonyMarker(signIn.options.challenge, new Date(Date.UTC(2100, 0)))).toBe(false);
    expect(first.deleted.sessions).toBeGreaterThanOrEqual(1);
    expect(await store.getSession(sessionId)).toBeNull();
    expect(await store.consumeCeremony(ceremony)).toBeNull();
    // …but support and the backend can still see them for 30 days.
    expect(await store.getRecoveryFlow(flowHash)).not.toBeNull();
    expect(await store.getTransaction(tx.json.transactionId)).not.toBeNull();
    expect(await codes()).toHaveLength(1);

    app.clock.advance(30 * DAY);
    const second = await app.twofold.sweep();
    expect(await store.useCeremonyMarker(signIn.options.challenge, new Date(Date.UTC(2100, 0)))).toBe(true); // swept at last
    expect(second.deleted).toMatchObject({
      recoveryFlows: expect.any(Number),
      codes: expect.any(Number),
      transactions: expect.any(Number),
    });
    expect(second.deleted.recoveryFlows).toBeGreaterThanOrEqual(1);
    expect(await store.getRecoveryFlow(flowHash)).toBeNull();
    expect(await store.getTransaction(tx.json.transactionId)).toBeNull();
    expect(await codes()).toHaveLength(0);
    expect(await events()).toBe(eventCount); // the trail stays a year

    app.clock.advance(336 * DAY);
    expect((await app.twofold.sweep()).deleted.auditEvents).toBeGreaterThanOrEqual(eventCount);
    expect(await events()).toBe(0);
  });

  it('retention is configurable and checked (a NaN or negative retention refuses to start)', async () => {
    const app = createTestApp(store, { secretKeys, retention: { auditEventsDays: 1, recoveryFlowsDays: Infinity } });
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    const flow = await app.call('POST', '/recovery', {
      kind: 'credential_reset',
      userId: user.userId,
      deviceProof: await key.proof(user.userId, 'recovery'),
    });
    app.clock.advance(2 * DAY);
    const swept = await app.twofold.sweep();
    expect(swept.deleted.auditEvents).toBeGreaterThanOrEqual(3);
    expect(await store.getRecoveryFlow(await sha256Base64Url(flow.json.flowId))).not.toBeNull(); // kept forever
    for (const retention of [{ codesDays: Number.NaN }, { auditEventsDays: -1 }])
      expect(() => createTestApp(store, { retention })).toThrow(TypeError);
  });

  it('deletes in batches: sweepAll repeats until nothing is left', async () => {
    const app = createTestApp(store, { secretKeys });
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    for (let i = 0; i < 7; i++)
      await app.call('POST', '/recovery', {
        kind: 'credential_reset',
        userId: user.userId,
        deviceProof: await key.proof(user.userId, 'recovery'),
      });
    app.clock.advance(31 * DAY);
    const one = await app.twofold.sweep({ batchSize: 3 });
    expect(one.deleted.recoveryFlows).toBe(3);
    expect(one.more).toBe(true);
    const rest = await app.twofold.sweepAll({ batchSize: 3 });
    expect(rest.deleted.recoveryFlows).toBeGreaterThanOrEqual(4);
    expect(rest.more).toBe(false);
  });

  it('a cursor past PostgreSQL’s bigint is a 400, not a 500', async () => {
    const app = createTestApp(store, { secretKeys });
    const user = await signUp(app);
    for (const before of ['9223372036854775808', '9999999999999999999']) {
      const res = await app.call('GET', `/me/events?before=${before}`, undefined, { token: user.token });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_REQUEST');
    }
    expect((await app.call('GET', '/me/events?before=9223372036854775807', undefined, { token: user.token })).status).toBe(200);
  });

  it('the activity view pages through the whole history; a stranger’s flood of events cannot push anything out of it', async () => {
    const app = createTestApp(store, { secretKeys, http: { clientAddress: (req) => req.headers.get('x-test-address') ?? undefined } });
    const user = await signUp(app);
    // A stranger who knows the user id guesses long codes from a few addresses: each guess is an
    // event in the user's trail (the code itself is never burned).
    const guess = (n: number) =>
      app.call(
        'POST',
        '/credentials/fido2/init/code',
        { userId: user.userId, code: { code: `guess-${n}`, type: 'long' } },
        { headers: { 'x-test-address': `198.51.100.${Math.floor(n / 30)}` } },
      );
    for (let i = 0; i < 120; i++) expect((await guess(i)).json.code).toBe('CODE_INVALID');

    const first = await app.call('GET', '/me/events', undefined, { token: user.token });
    expect(first.json.events).toHaveLength(50);
    expect(first.json.events.every((e: { type: string }) => e.type === 'code.wrong')).toBe(true);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { json: { events: { id: string; type: string }[]; nextCursor: string | null } } = await app.call(
        'GET',
        `/me/events?limit=40${cursor ? `&before=${cursor}` : ''}`,
        undefined,
        { token: user.token },
      );
      seen.push(...page.json.events.map((e) => `${e.id}:${e.type}`));
      cursor = page.json.nextCursor;
      pages++;
      // Events written while paging never shift the pages.
      if (pages === 1) await guess(120);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((s) => s.endsWith(':code.wrong'))).toHaveLength(120);
    expect(seen.some((s) => s.endsWith(':passkey.added'))).toBe(true);
    expect(seen.at(-1)).toMatch(/:user\.created$/); // the oldest event is still there

    // The account-changes view: only types a stranger cannot cause, first page.
    const changes = await app.call('GET', '/me/events?types=passkey.added,device.removed,pin.set,pin.reset', undefined, {
      token: user.token,
    });
    expect(changes.json.events.map((e: { type: string }) => e.type)).toEqual(['passkey.added']);
    expect(changes.json.nextCursor).toBeNull();

    for (const bad of [
      'limit=0',
      'limit=101',
      'limit=1e3',
      'before=abc',
      'before=-1',
      'types=',
      'types=DROP%20TABLE',
      `types=${Array(21).fill('a.b').join(',')}`,
    ]) {
      const res = await app.call('GET', `/me/events?${bad}`, undefined, { token: user.token });
      expect(res.status, bad).toBe(400);
      expect(res.json.code, bad).toBe('INVALID_REQUEST');
    }
  });
});

describe.runIf(await postgresAvailable())('the sweep on PostgreSQL with several processes', () => {
  const schema = `twofold_sweep_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let first: Store;
  let second: Store;
  beforeAll(async () => {
    // Two "processes": each its own pool on the same schema.
    first = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    second = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('runs in one process at a time: while one holds the sweep lock, the others skip', async () => {
    const a = createTestApp(first);
    const b = createTestApp(second);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = first.transaction(async (tx) => {
      expect(await tx.trySweepLock()).toBe(true);
      locked();
      await held;
    });
    await isLocked;
    expect(await b.twofold.sweep()).toMatchObject({ ran: false, more: false });
    expect(await a.twofold.sweep()).toMatchObject({ ran: false }); // another connection of the same process, too
    release();
    await holder;
    expect((await b.twofold.sweep()).ran).toBe(true);
    // Racing sweeps never fail; each either does the work or skips.
    const raced = await Promise.all([a.twofold.sweep(), b.twofold.sweep(), a.twofold.sweep(), b.twofold.sweep()]);
    expect(raced.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
  });
});

describe('twofold sweep (CLI)', () => {
  afterAll(() => killAllCli());

  it('sweeps the configured database once and says what it deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-sweep-'));
    try {
      const cli = runCli(['sweep'], { TWOFOLD_DATA_DIR: dir, TWOFOLD_RETENTION_AUDIT_DAYS: '400' });
      expect(await cli.exited, cli.output()).toBe(0);
      expect(cli.output()).toMatch(
        /Swept: ceremonies \d+, faceStates \d+, faceFrames \d+, rateLimits \d+, sessions \d+, recoveryFlows \d+, codes \d+, transactions \d+, auditEvents \d+\./,
      );
      const bad = runCli(['sweep'], { TWOFOLD_DATA_DIR: dir, TWOFOLD_RETENTION_CODES_DAYS: 'a week' });
      expect(await bad.exited).toBe(2);
      expect(bad.output()).toContain('TWOFOLD_RETENTION_CODES_DAYS must be a whole number of days');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
