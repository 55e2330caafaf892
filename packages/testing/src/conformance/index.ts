/**
 * @twofold/testing/conformance — the contract tests of the `Store` interface of
 * `@twofold/server`, for anyone who writes a storage adapter. Runs under vitest (an optional peer
 * dependency). Imports only types from `@twofold/server/storage`, so it adds no runtime dependency.
 */
import type {
  CodeRecord,
  DeviceRecord,
  PasskeyRecord,
  RecoveryFlowRecord,
  SessionRecord,
  Store,
  StoreConflictError,
  TransactionRecord,
  UserRecord,
} from '@twofold/server/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const t0 = new Date('2026-01-01T00:00:00Z');

const user = (): UserRecord => ({ id: uid('u'), username: uid('name'), displayName: 'Ada', createdAt: t0 });
const device = (userId: string): DeviceRecord => ({
  id: uid('d'),
  userId,
  type: 'passkey',
  name: 'Laptop',
  createdAt: t0,
  lastUsedAt: null,
});
const passkey = (d: DeviceRecord): PasskeyRecord => ({
  deviceId: d.id,
  userId: d.userId,
  credentialId: uid('cred'),
  publicKey: new Uint8Array([1, 2, 3, 250]),
  counter: 0,
  transports: ['internal', 'hybrid'],
  aaguid: '00000000-0000-0000-0000-000000000000',
  backupEligible: true,
  backedUp: false,
});
/** A pending transaction of one minute from `t0`. */
const transaction = (userId: string, over: Partial<TransactionRecord> = {}): TransactionRecord => ({
  id: uid('tx'),
  userId,
  message: 'Pay',
  sealedContext: 'c',
  allowPin: true,
  nonce: 'n',
  status: 'pending',
  method: null,
  createdAt: t0,
  expiresAt: new Date(t0.getTime() + 60_000),
  decidedAt: null,
  ...over,
});
/** An open session of 15 minutes from `t0`. */
const session = (userId: string, deviceId: string | null, id = uid('s')): SessionRecord => ({
  id,
  userId,
  deviceId,
  createdAt: t0,
  expiresAt: new Date(t0.getTime() + 900_000),
  revokedAt: null,
});

/** How {@link runStoreConformance} gets the store it checks. */
export interface StoreConformanceOptions {
  /** Names the suite: `Store conformance: <name>`. */
  name: string;
  /**
   * Returns the store under test; called once, before the first test. A fresh store is safest;
   * a shared one works as long as nothing else sweeps or expires its rows meanwhile (every row
   * the suite writes has a unique id).
   */
  createStore: () => Promise<Store>;
  /** Called once after the last test with that store: close it, drop its schema, … */
  cleanup?: (store: Store) => Promise<void>;
  /**
   * The `StoreConflictError` class from `@twofold/server`, which the store must throw on a
   * unique-constraint violation. Passed in because this module imports only types from the
   * server, so the check uses the very class your store throws.
   */
  StoreConflictError: typeof StoreConflictError;
  /** Time allowed for `createStore` in ms (default 60 000: PGlite takes seconds to start). */
  setupTimeout?: number;
}

/**
 * The contract of {@link Store}, run against every adapter. An adapter that passes this suite
 * can back a Twofold server. Call it at the top level of a vitest test file (it registers a
 * `describe` block).
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const { name, createStore, cleanup, StoreConflictError, setupTimeout = 60_000 } = options;
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await createStore();
    }, setupTimeout);
    afterAll(async () => {
      if (store) await cleanup?.(store);
    });

    it('stores and finds users; usernames are unique', async () => {
      const u = user();
      await store.insertUser(u);
      expect(await store.getUserById(u.id)).toEqual(u);
      expect(await store.getUserByUsername(u.username)).toEqual(u);
      expect(await store.getUserById('nope')).toBeNull();
      const dup = { ...user(), username: u.username };
      await expect(store.insertUser(dup)).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.getUserById(dup.id)).toBeNull();
    });

    it('keeps devices per user; rename and delete are scoped to the owner', async () => {
      const a = user();
      const b = user();
      await store.insertUser(a);
      await store.insertUser(b);
      const d = device(a.id);
      await store.insertDevice(d);
      expect(await store.listDevices(a.id)).toEqual([d]);
      expect(await store.listDevices(b.id)).toEqual([]);
      expect(await store.renameDevice(b.id, d.id, 'stolen')).toBe(false);
      expect(await store.renameDevice(a.id, d.id, 'Phone')).toBe(true);
      const used = new Date('2026-02-02T00:00:00Z');
      await store.touchDevice(d.id, used);
      expect(await store.getDevice(a.id, d.id)).toEqual({ ...d, name: 'Phone', lastUsedAt: used });
      expect(await store.deleteDevice(b.id, d.id)).toBe(false);
      expect(await store.deleteDevice(a.id, d.id)).toBe(true);
      expect(await store.deleteDevice(a.id, d.id)).toBe(false);
    });

    it('stores passkeys with bytes, flags and transports intact; deleting the device deletes the passkey', async () => {
      const u = user();
      await store.insertUser(u);
      const d = device(u.id);
      await store.insertDevice(d);
      const p = passkey(d);
      await store.insertPasskey(p);
      expect(await store.getPasskeyByCredentialId(p.credentialId)).toEqual(p);
      expect(await store.listPasskeys(u.id)).toEqual([p]);
      await expect(store.insertPasskey({ ...p, deviceId: d.id })).rejects.toBeInstanceOf(StoreConflictError);
      await store.deleteDevice(u.id, d.id);
      expect(await store.getPasskeyByCredentialId(p.credentialId)).toBeNull();
    });

    it('recordPasskeyUse moves the counter forward atomically (WebAuthn §6.1.1): of racing uses of one assertion exactly one wins, with its event and session', async () => {
      const u = user();
      await store.insertUser(u);
      const d = device(u.id);
      await store.insertDevice(d);
      const p = { ...passkey(d), counter: 5 };
      await store.insertPasskey(p);
      const use = (i: number, newCounter: number) => ({
        credentialId: p.credentialId,
        deviceId: d.id,
        newCounter,
        backedUp: true,
        usedAt: new Date(t0.getTime() + i * 1000),
        event: { id: uid('use'), type: 'user.signed_in' as const, at: t0, userId: u.id, deviceId: d.id, actor: 'system', data: { i } },
        session: session(u.id, d.id, `${u.id}-s${i}`),
      });
      // the same counter from 8 places at once (a replayed assertion): only the first moves it
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.recordPasskeyUse(use(i, 6))));
      expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r === 'refused')).toHaveLength(7);
      const winner = results.indexOf('recorded');
      // the winner's session was opened in the same write; the losers' were not
      for (let i = 0; i < 8; i++) expect(Boolean(await store.getSession(`${u.id}-s${i}`)), `session ${i}`).toBe(i === winner);
      const stored = await store.getPasskeyByCredentialId(p.credentialId);
      expect(stored?.counter).toBe(6);
      expect(stored?.backedUp).toBe(true);
      expect((await store.getDevice(u.id, d.id))?.lastUsedAt).toEqual(new Date(t0.getTime() + winner * 1000));
      expect((await store.listAuditEvents({ userId: u.id })).map((e) => e.data)).toEqual([{ i: winner }]);
      // a counter that does not move forward writes nothing: equal, lower, or 0 after non-zero
      for (const c of [6, 5, 0])
        expect(await store.recordPasskeyUse({ ...use(20 + c, c), event: undefined, session: undefined })).toBe('refused');
      expect((await store.getPasskeyByCredentialId(p.credentialId))?.counter).toBe(6);
      // another incarnation of the credential id (another device) is refused
      expect(await store.recordPasskeyUse({ ...use(30, 7), deviceId: 'another-device', event: undefined, session: undefined })).toBe(
        'refused',
      );
      // a counter beyond int32 survives (WebAuthn counters are uint32)
      expect(await store.recordPasskeyUse({ ...use(31, 4_294_967_295), event: undefined, session: undefined })).toBe('recorded');
      expect((await store.getPasskeyByCredentialId(p.credentialId))?.counter).toBe(4_294_967_295);
    });

    it('recordPasskeyUse with a ceremony marker: of racing uses of one ceremony exactly one is recorded, even with no counter', async () => {
      const u = user();
      await store.insertUser(u);
      const d = device(u.id);
      await store.insertDevice(d);
      const p = { ...passkey(d), counter: 0 }; // a synced passkey: the counter stays 0
      await store.insertPasskey(p);
      const ceremony = { marker: uid('marker'), expiresAt: new Date(t0.getTime() + 300_000) };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.recordPasskeyUse({
            credentialId: p.credentialId,
            deviceId: d.id,
            newCounter: 0,
            backedUp: false,
            usedAt: t0,
            ceremony,
            session: session(u.id, d.id, `${u.id}-m${i}`),
          }),
        ),
      );
      expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r === 'ceremony_used')).toHaveLength(7);
      const opened = await Promise.all(Array.from({ length: 8 }, async (_, i) => Boolean(await store.getSession(`${u.id}-m${i}`))));
      expect(opened.filter(Boolean)).toHaveLength(1);
      // the marker is taken: useCeremonyMarker agrees; a new marker is free once
      expect(await store.useCeremonyMarker(ceremony.marker, ceremony.expiresAt)).toBe(false);
      const other = uid('marker');
      const raced = await Promise.all(Array.from({ length: 4 }, () => store.useCeremonyMarker(other, ceremony.expiresAt)));
      expect(raced.filter(Boolean)).toHaveLength(1);
      // a refused use (counter moved backwards) still takes its marker: the ceremony is used
      const refused = { marker: uid('marker'), expiresAt: ceremony.expiresAt };
      await store.recordPasskeyUse({ credentialId: p.credentialId, deviceId: d.id, newCounter: 9, backedUp: false, usedAt: t0 });
      expect(
        await store.recordPasskeyUse({
          credentialId: p.credentialId,
          deviceId: d.id,
          newCounter: 3,
          backedUp: false,
          usedAt: t0,
          ceremony: refused,
        }),
      ).toBe('refused');
      expect(await store.useCeremonyMarker(refused.marker, refused.expiresAt)).toBe(false);
      // expired markers are swept with the ceremonies
      expect(await store.deleteExpiredCeremonies(new Date(ceremony.expiresAt.getTime() + 1))).toBeGreaterThanOrEqual(3);
      expect(await store.useCeremonyMarker(ceremony.marker, ceremony.expiresAt)).toBe(true);
    });

    it('consumeCeremony hands a ceremony out exactly once, even to concurrent callers', async () => {
      const id = uid('cer');
      const c = {
        id,
        kind: 'authentication' as const,
        challenge: 'abc',
        userId: null,
        data: { username: 'x', nested: { n: 1 } },
        createdAt: t0,
        expiresAt: new Date(t0.getTime() + 60_000),
      };
      await store.insertCeremony(c);
      expect(await store.getCeremony(id)).toEqual(c); // a look does not consume it
      expect(await store.getCeremony(uid('none'))).toBeNull();
      const got = await Promise.all(Array.from({ length: 10 }, () => store.consumeCeremony(id)));
      const winners = got.filter((g) => g !== null);
      expect(winners).toEqual([c]);
      expect(await store.consumeCeremony(id)).toBeNull();
    });

    it('deleteExpiredCeremonies removes only expired ones', async () => {
      const base = { kind: 'registration' as const, challenge: 'c', userId: null, data: {}, createdAt: t0 };
      const old = { ...base, id: uid('old'), expiresAt: new Date('2000-01-01T00:00:00Z') };
      const fresh = { ...base, id: uid('fresh'), expiresAt: new Date('2100-01-01T00:00:00Z') };
      await store.insertCeremony(old);
      await store.insertCeremony(fresh);
      expect(await store.deleteExpiredCeremonies(new Date('2001-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
      expect(await store.consumeCeremony(old.id)).toBeNull();
      expect(await store.consumeCeremony(fresh.id)).not.toBeNull();
    });

    it('transaction commits all writes or none', async () => {
      const u = user();
      await expect(
        store.transaction(async (tx) => {
          await tx.insertUser(u);
          await tx.insertDevice(device(u.id));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getUserById(u.id)).toBeNull();

      const v = user();
      const d = device(v.id);
      await store.transaction(async (tx) => {
        await tx.insertUser(v);
        await tx.transaction(async (inner) => inner.insertDevice(d)); // nested joins the outer
      });
      expect(await store.listDevices(v.id)).toEqual([d]);
    });

    it('a conflict inside a transaction rolls back the earlier writes', async () => {
      const taken = user();
      await store.insertUser(taken);
      const u = user();
      await expect(
        store.transaction(async (tx) => {
          await tx.insertUser(u);
          await tx.insertUser({ ...user(), username: taken.username });
        }),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.getUserById(u.id)).toBeNull();
    });

    const signingKey = (kid: string, at: string) => ({
      kid,
      alg: 'ES256' as const,
      publicJwk: { kty: 'EC', kid },
      privateJwk: { kty: 'EC', d: 'secret', kid },
      createdAt: new Date(at),
      retiredAt: null,
    });
    const retireActiveSigningKeys = async (at: Date) => {
      for (const key of await store.listSigningKeys()) if (key.retiredAt === null) await store.retireSigningKey(key.kid, at);
    };

    it('keeps signing keys newest first and retires them; at most one is active', async () => {
      await retireActiveSigningKeys(new Date('2030-01-01T00:00:00Z'));
      const older = signingKey(uid('k1'), '2030-01-01T00:00:00Z');
      const newer = signingKey(uid('k2'), '2030-01-02T00:00:00Z');
      await store.insertSigningKey(older);
      const at = new Date('2030-02-01T00:00:00Z');
      await store.retireSigningKey(older.kid, at);
      expect((await store.listSigningKeys()).find((x) => x.kid === older.kid)?.retiredAt).toEqual(at);
      await store.insertSigningKey(newer);
      const keys = await store.listSigningKeys();
      expect(keys.findIndex((x) => x.kid === newer.kid)).toBeLessThan(keys.findIndex((x) => x.kid === older.kid));
      // A second active key is a conflict: servers must agree on the one that signs.
      await expect(store.insertSigningKey(signingKey(uid('k3'), '2030-01-03T00:00:00Z'))).rejects.toBeInstanceOf(StoreConflictError);
      expect(keys.filter((x) => x.retiredAt === null).map((x) => x.kid)).toEqual([newer.kid]);
      await store.deleteSigningKey(older.kid);
      expect((await store.listSigningKeys()).find((x) => x.kid === older.kid)).toBeUndefined();
      await store.deleteSigningKey(newer.kid);
    });

    it('insertFirstSigningKey: of servers starting at once, exactly one creates the active key', async () => {
      await retireActiveSigningKeys(new Date('2030-03-01T00:00:00Z'));
      const candidates = [1, 2, 3, 4, 5].map((i) => signingKey(uid(`first${i}`), '2030-03-02T00:00:00Z'));
      const won = await Promise.all(candidates.map((key) => store.insertFirstSigningKey(key)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const active = (await store.listSigningKeys()).filter((x) => x.retiredAt === null);
      expect(active.map((x) => x.kid)).toEqual([candidates[won.indexOf(true)]!.kid]);
      // While one is active, nobody else inserts.
      expect(await store.insertFirstSigningKey(signingKey(uid('late'), '2030-03-03T00:00:00Z'))).toBe(false);
      await store.deleteSigningKey(active[0]!.kid);
    });

    it('finds API keys by secret hash only; hashes are unique', async () => {
      const key = { id: uid('key'), name: 'backend', secretHash: uid('hash'), scopes: ['users.create'], createdAt: t0 };
      await store.insertApiKey(key);
      expect(await store.getApiKeyBySecretHash(key.secretHash)).toEqual(key);
      await expect(store.insertApiKey({ ...key, id: uid('key2') })).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.deleteApiKey(key.id)).toBe(true);
      expect(await store.getApiKeyBySecretHash(key.secretHash)).toBeNull();
    });

    const code = (userId: string, over: Partial<CodeRecord> = {}): CodeRecord => ({
      id: uid('code'),
      userId,
      purpose: 'add_credential',
      type: 'short',
      secretHash: uid('h'),
      hashKeyId: 'k1',
      authorized: true,
      createdAt: t0,
      expiresAt: new Date(t0.getTime() + 600_000),
      usedAt: null,
      invalidatedAt: null,
      lockedAt: null,
      failedAttempts: 0,
      requireFace: false,
      ...over,
    });
    const now = new Date(t0.getTime() + 1000);

    it('consumeCode is consume-once: of many concurrent redemptions exactly one wins', async () => {
      const u = user();
      await store.insertUser(u);
      const c = code(u.id);
      await store.insertCode(c);
      expect(await store.getCode(c.id)).toEqual(c);
      const results = await Promise.all(Array.from({ length: 12 }, () => store.consumeCode(c.id, now)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getCode(c.id))?.usedAt).toEqual(now);
      expect((await store.listCodes({ userId: u.id, type: 'short', purpose: 'add_credential', limit: 10 }))[0]?.usedAt).toEqual(now);
    });

    it('expired and invalidated codes cannot be consumed; listCodes filters by user, type and purpose', async () => {
      const u = user();
      await store.insertUser(u);
      const expired = code(u.id, { expiresAt: now });
      const live = code(u.id);
      const long = code(u.id, { type: 'long' });
      for (const c of [expired, live, long]) await store.insertCode(c);
      expect(await store.consumeCode(expired.id, now)).toBe(false);
      const listed = await store.listCodes({ userId: u.id, type: 'short', purpose: 'add_credential', limit: 10 });
      expect(listed.map((c) => c.id).sort()).toEqual([expired.id, live.id].sort());
      expect(await store.listCodes({ userId: u.id, type: 'short', purpose: 'other', limit: 10 })).toEqual([]);
      expect(await store.invalidateCodes(u.id, now)).toBe(2);
      expect(await store.consumeCode(live.id, now)).toBe(false);
      expect(await store.invalidateCodes(u.id, now)).toBe(0);
    });

    it('recordCodeFailure counts atomically and locks at the limit, even under concurrency', async () => {
      const u = user();
      await store.insertUser(u);
      const a = code(u.id);
      const b = code(u.id);
      await store.insertCode(a);
      await store.insertCode(b);
      await Promise.all(Array.from({ length: 4 }, () => store.recordCodeFailure({ ids: [a.id, b.id], maxAttempts: 5, now })));
      expect((await store.getCode(a.id))?.failedAttempts).toBe(4);
      expect((await store.getCode(a.id))?.lockedAt).toBeNull();
      const after = await store.recordCodeFailure({ ids: [a.id, b.id], maxAttempts: 5, now });
      expect(after.map((c) => [c.failedAttempts, c.lockedAt])).toEqual([
        [5, now],
        [5, now],
      ]);
      expect(await store.consumeCode(a.id, now)).toBe(false);
      // a locked code is not counted any further
      expect(await store.recordCodeFailure({ ids: [a.id], maxAttempts: 5, now })).toEqual([]);
    });

    it('rate limiter counts per key in the store and refuses past the limit', async () => {
      const limiter = store.rateLimiter({ keyPrefix: uid('rl'), points: 3, durationSeconds: 60 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.consume('user-1'));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
      expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await limiter.consume('user-2')).allowed).toBe(true);
      await limiter.reset('user-1');
      expect((await limiter.consume('user-1')).allowed).toBe(true);
      // concurrent attempts are all counted
      const burst = await Promise.all(Array.from({ length: 6 }, () => limiter.consume('user-3')));
      expect(burst.filter((r) => r.allowed)).toHaveLength(3);
      expect(await store.deleteExpiredRateLimits(new Date(Date.now() + 3_600_000))).toBeGreaterThanOrEqual(3);
    });

    it('PIN attempts are claimed before checking: concurrent guesses never exceed the limit', async () => {
      const u = user();
      await store.insertUser(u);
      expect(await store.claimPinAttempt(u.id, 3)).toBeNull(); // no PIN yet
      await store.setPin(u.id, 'hash-1', t0);
      const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimPinAttempt(u.id, 3)));
      expect(
        claims
          .filter(Boolean)
          .map((c) => c!.failedAttempts)
          .sort(),
      ).toEqual([1, 2, 3]);
      expect(await store.lockPinIfExhausted(u.id, 3, now)).toBe(true);
      expect(await store.lockPinIfExhausted(u.id, 3, now)).toBe(false);
      expect((await store.getPin(u.id))?.lockedAt).toEqual(now);
      expect(await store.claimPinAttempt(u.id, 3)).toBeNull();
      await store.setPin(u.id, 'hash-2', now); // replacing clears failures and the lock
      expect(await store.getPin(u.id)).toEqual({ userId: u.id, hash: 'hash-2', failedAttempts: 0, lockedAt: null, updatedAt: now });
      expect((await store.claimPinAttempt(u.id, 3))?.failedAttempts).toBe(1);
      await store.clearPinAttempts(u.id);
      expect((await store.getPin(u.id))?.failedAttempts).toBe(0);
    });

    it('decideTransaction releases the sealed context exactly once, and never after expiry', async () => {
      const u = user();
      await store.insertUser(u);
      const tx = transaction(u.id, { message: 'Show card PIN', sealedContext: 'tf1.k.iv.ct' });
      await store.insertTransaction(tx);
      expect(await store.getTransaction(tx.id)).toEqual(tx);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.decideTransaction({ id: tx.id, status: 'approved', method: 'passkey', now })),
      );
      expect(results.filter((r) => r !== null)).toEqual([{ sealedContext: 'tf1.k.iv.ct' }]);
      expect(await store.getTransaction(tx.id)).toMatchObject({
        status: 'approved',
        method: 'passkey',
        decidedAt: now,
        sealedContext: null,
      });

      const late = transaction(u.id, { sealedContext: 'x' });
      await store.insertTransaction(late);
      expect(await store.decideTransaction({ id: late.id, status: 'approved', method: 'pin', now: late.expiresAt })).toBeNull();
      const denied = transaction(u.id, { sealedContext: 'y' });
      await store.insertTransaction(denied);
      expect(await store.decideTransaction({ id: denied.id, status: 'denied', method: null, now })).toEqual({ sealedContext: 'y' });
      expect(await store.getTransaction(denied.id)).toMatchObject({ status: 'denied', sealedContext: null });
      expect(await store.decideTransaction({ id: denied.id, status: 'approved', method: 'pin', now })).toBeNull();
    });

    it('decideTransaction writes its audit event in the same step: with the one decision, never with a refused one', async () => {
      const u = user();
      await store.insertUser(u);
      const tx = transaction(u.id);
      await store.insertTransaction(tx);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.decideTransaction({
            id: tx.id,
            status: 'approved',
            method: 'pin',
            now,
            event: {
              id: uid('ev'),
              type: 'transaction.approved',
              at: now,
              userId: u.id,
              deviceId: null,
              actor: `user:${u.id}`,
              data: { transactionId: tx.id, i },
            },
          }),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const events = await store.listAuditEvents({ userId: u.id });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'transaction.approved', data: { transactionId: tx.id } });
    });

    it('a temporary face template is used once (its device goes with it); expired ones are swept', async () => {
      const u = user();
      await store.insertUser(u);
      const face = async (expiresAt: Date | null) => {
        const d = { ...device(u.id), type: expiresAt ? ('temporary' as const) : ('backup' as const) };
        await store.insertDevice(d);
        await store.insertFaceTemplate({ deviceId: d.id, userId: u.id, sealed: `sealed-${d.id}`, expiresAt, usedAt: null });
        return d;
      };
      const backup = await face(null);
      const temp = await face(new Date(t0.getTime() + 60_000));
      const old = await face(new Date(t0.getTime() + 500));
      expect((await store.listFaceTemplates(u.id, now)).map((f) => f.deviceId).sort()).toEqual([backup.id, temp.id].sort());
      expect(await store.useFaceTemplate(backup.id, now)).toBe(false); // backups are never consumed
      const uses = await Promise.all(Array.from({ length: 6 }, () => store.useFaceTemplate(temp.id, now)));
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await store.getDevice(u.id, temp.id)).toBeNull();
      expect(await store.useFaceTemplate(old.id, now)).toBe(false); // expired
      expect(await store.deleteExpiredFaceDevices(now)).toBe(1);
      expect((await store.listDevices(u.id)).map((d) => d.id)).toEqual([backup.id]);
    });

    it('rememberFaceFrames: true only when every fingerprint is new — once among racing callers, never for a repeat within the list; forgotten after the cutoff', async () => {
      const u = user();
      await store.insertUser(u);
      const [a, b, c] = [uid('fp'), uid('fp'), uid('fp')];
      expect(await store.rememberFaceFrames(u.id, [a, b], t0)).toBe(true);
      expect(await store.rememberFaceFrames(u.id, [c, b], t0)).toBe(false); // b was seen
      expect(await store.rememberFaceFrames(u.id, [c], t0)).toBe(false); // c was remembered by the refused call
      const d = uid('fp');
      expect(await store.rememberFaceFrames(u.id, [d, d], t0)).toBe(false); // the same frame twice in one evidence
      const e = uid('fp');
      const racing = await Promise.all(Array.from({ length: 6 }, () => store.rememberFaceFrames(u.id, [uid('fp'), e], t0)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect(await store.rememberFaceFrames(u.id, [], t0)).toBe(true);
      const later = new Date(t0.getTime() + 1000);
      const f = uid('fp');
      expect(await store.rememberFaceFrames(u.id, [f], later)).toBe(true);
      expect(await store.forgetFaceFrames(later)).toBeGreaterThanOrEqual(5); // everything seen at t0
      expect(await store.rememberFaceFrames(u.id, [a], later)).toBe(true); // forgotten, so new again
      expect(await store.rememberFaceFrames(u.id, [f], later)).toBe(false); // seen at the cutoff: kept
    });

    it('advanceRecoveryFlow is a compare-and-set on the step: one of racing callers wins; never when closed or expired', async () => {
      const u = user();
      await store.insertUser(u);
      const flow: RecoveryFlowRecord = {
        idHash: uid('flow'),
        userId: u.id,
        kind: 'credential_reset',
        status: 'open',
        step: 'pin',
        codeId: null,
        stagedPinHash: null,
        faceDeviceId: null,
        faceVerifiedAt: null,
        pinResetAt: null,
        passkeyDeviceId: null,
        createdAt: t0,
        updatedAt: t0,
        expiresAt: new Date(t0.getTime() + 60_000),
      };
      await store.insertRecoveryFlow(flow);
      expect(await store.getRecoveryFlow(flow.idHash)).toEqual(flow);
      const staged = await store.advanceRecoveryFlow({
        idHash: flow.idHash,
        from: ['pin'],
        set: { step: 'face', stagedPinHash: 'h' },
        now,
      });
      expect(staged).toEqual({ ...flow, step: 'face', stagedPinHash: 'h', updatedAt: now });
      const racers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.advanceRecoveryFlow({
            idHash: flow.idHash,
            from: ['face'],
            set: { step: 'passkey', faceDeviceId: `d${i}`, stagedPinHash: null, faceVerifiedAt: now },
            now,
          }),
        ),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await store.getRecoveryFlow(flow.idHash)).toMatchObject({ step: 'passkey', stagedPinHash: null, faceVerifiedAt: now });
      expect(
        await store.advanceRecoveryFlow({ idHash: flow.idHash, from: ['passkey'], set: { status: 'completed' }, now: flow.expiresAt }),
      ).toBeNull();
      expect(
        await store.advanceRecoveryFlow({ idHash: flow.idHash, from: ['passkey'], set: { status: 'completed', step: 'done' }, now }),
      ).toMatchObject({ status: 'completed' });
      expect(
        await store.advanceRecoveryFlow({ idHash: flow.idHash, from: ['done', 'passkey'], set: { status: 'abandoned' }, now }),
      ).toBeNull();
      expect(await store.getRecoveryFlow('nope')).toBeNull();

      // per user: newest first; abandoning all touches only open, unexpired flows
      const later = { ...flow, idHash: uid('flow'), status: 'open' as const, step: 'face' as const, stagedPinHash: 'h2', createdAt: now };
      const expired = { ...flow, idHash: uid('flow'), status: 'open' as const, expiresAt: now };
      await store.insertRecoveryFlow(later);
      await store.insertRecoveryFlow(expired);
      expect((await store.listRecoveryFlows(u.id, 10)).map((f) => f.idHash)[0]).toBe(later.idHash);
      expect(await store.listRecoveryFlows(u.id, 1)).toHaveLength(1);
      expect(await store.abandonRecoveryFlows(u.id, now)).toBe(1);
      expect(await store.getRecoveryFlow(later.idHash)).toMatchObject({ status: 'abandoned', stagedPinHash: null, updatedAt: now });
      expect(await store.getRecoveryFlow(expired.idHash)).toMatchObject({ status: 'open' });
      expect(await store.getRecoveryFlow(flow.idHash)).toMatchObject({ status: 'completed' });
    });

    it('appends audit events and lists them newest first per user', async () => {
      const u = user();
      for (const type of ['a', 'b', 'c']) {
        await store.insertAuditEvent({ id: uid('ev'), type, at: t0, userId: u.id, deviceId: null, actor: 'system', data: { type } });
      }
      const events = await store.listAuditEvents({ userId: u.id });
      expect(events.map((e) => e.type)).toEqual(['c', 'b', 'a']);
      expect(events[0]?.data).toEqual({ type: 'c' });
      expect(await store.listAuditEvents({ userId: u.id, limit: 1 })).toHaveLength(1);
    });

    it('sessions: extendSession is guarded (never a revoked or another user’s session); revokeSessions revokes each once', async () => {
      const userId = uid('u'); // sessions have no foreign keys: a host may issue tokens for its own users
      const at = new Date(t0.getTime() + 60_000);
      const [a, b, c, d] = [session(userId, 'dev-1'), session(userId, 'dev-1'), session(userId, 'dev-2'), session(userId, null)];
      for (const s of [a, b, c, d]) await store.insertSession(s);
      await expect(store.insertSession(a)).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.getSession(a.id)).toEqual(a);
      expect(await store.getSession(uid('nope'))).toBeNull();

      const later = new Date(t0.getTime() + 1_800_000);
      expect(await store.extendSession(a.id, userId, later)).toBe(true);
      expect((await store.getSession(a.id))?.expiresAt).toEqual(later);
      expect(await store.extendSession(a.id, userId, t0)).toBe(true); // never shortened
      expect((await store.getSession(a.id))?.expiresAt).toEqual(later);
      expect(await store.extendSession(a.id, uid('other'), later)).toBe(false);

      expect(await store.revokeSessions({ userId: uid('other'), id: d.id, at })).toBe(0); // scoped to the owner
      expect(await store.revokeSessions({ userId, id: d.id, at })).toBe(1);
      expect(await store.revokeSessions({ userId, id: d.id, at: later })).toBe(0); // idempotent: first time kept
      expect((await store.getSession(d.id))?.revokedAt).toEqual(at);
      expect(await store.extendSession(d.id, userId, later)).toBe(false); // revoked: never extended

      expect(await store.revokeSessions({ userId, deviceId: 'dev-1', exceptId: b.id, at })).toBe(1);
      expect((await store.getSession(a.id))?.revokedAt).toEqual(at);
      expect((await store.getSession(b.id))?.revokedAt).toBeNull();
      // Racing "sign out everywhere" calls: each live session is revoked by exactly one of them.
      const counts = await Promise.all([1, 2, 3, 4].map(() => store.revokeSessions({ userId, at })));
      expect(counts.reduce((x, y) => x + y, 0)).toBe(2);
      expect((await store.getSession(c.id))?.revokedAt).toEqual(at);

      // The sweep deletes sessions whose last token expired, and only those.
      const e = { ...session(userId, null), expiresAt: new Date('2099-01-01T00:00:00Z') };
      await store.insertSession(e);
      expect(await store.deleteExpiredSessions(new Date(t0.getTime() + 1_000_000), 1000)).toBeGreaterThanOrEqual(3);
      expect(await store.getSession(b.id)).toBeNull();
      expect(await store.getSession(a.id)).not.toBeNull(); // extended past the cutoff
      expect(await store.getSession(e.id)).not.toBeNull();
    });

    it('the sweep deletes by age in batches (codes, transactions, recovery flows, audit events), and takes its lock inside a transaction', async () => {
      const u = user();
      await store.insertUser(u);
      // Rows from the year 2000, so only this test's rows are older than the cutoff.
      const old = new Date('2000-01-01T00:00:00Z');
      const cutoff = new Date('2001-01-01T00:00:00Z');
      const codes = [code(u.id, { expiresAt: old }), code(u.id, { expiresAt: old }), code(u.id, { expiresAt: old }), code(u.id)];
      for (const c of codes) await store.insertCode(c);
      const flow = (expiresAt: Date, codeId: string | null = null): RecoveryFlowRecord => ({
        idHash: uid('flow'),
        userId: u.id,
        kind: 'credential_reset',
        status: 'open',
        step: 'pin',
        codeId,
        stagedPinHash: null,
        faceDeviceId: null,
        faceVerifiedAt: null,
        pinResetAt: null,
        passkeyDeviceId: null,
        createdAt: old,
        updatedAt: old,
        expiresAt,
      });
      const flows = [flow(old), flow(old), flow(t0, codes[0]!.id)];
      for (const f of flows) await store.insertRecoveryFlow(f);
      const txs = [old, t0].map((expiresAt) => transaction(u.id, { message: 'm', sealedContext: null, createdAt: old, expiresAt }));
      for (const t of txs) await store.insertTransaction(t);

      expect(await store.deleteExpiredCodes(cutoff, 2)).toBe(2); // batches: at most `limit`
      expect(await store.deleteExpiredCodes(cutoff, 10)).toBe(1);
      expect(await store.getCode(codes[3]!.id)).not.toBeNull();
      // A flow that named a deleted code goes with it (even if younger).
      expect(await store.getRecoveryFlow(flows[2]!.idHash)).toBeNull();
      expect(await store.deleteExpiredRecoveryFlows(cutoff, 10)).toBe(2);
      expect(await store.deleteExpiredTransactions(cutoff, 10)).toBe(1);
      expect(await store.getTransaction(txs[1]!.id)).not.toBeNull();

      for (const [i, at] of [old, old, t0].entries()) {
        await store.insertAuditEvent({ id: uid('ev'), type: `t.e${i}`, at, userId: u.id, deviceId: null, actor: 'system', data: {} });
      }
      expect(await store.deleteAuditEventsBefore(cutoff, 1)).toBe(1);
      expect(await store.deleteAuditEventsBefore(cutoff, 10)).toBe(1);
      expect((await store.listAuditEvents({ userId: u.id })).map((e) => e.type)).toEqual(['t.e2']);

      expect(await store.transaction((tx) => tx.trySweepLock())).toBe(true);
      expect(await store.transaction(async (tx) => (await tx.trySweepLock()) && tx.trySweepLock())).toBe(true); // re-entrant in one transaction
    });

    it('pageAuditEvents pages newest first by cursor, stable under inserts, optionally filtered by type', async () => {
      const u = user();
      const other = user();
      const insert = (userId: string, type: string) =>
        store.insertAuditEvent({ id: uid('ev'), type, at: t0, userId, deviceId: null, actor: 'system', data: {} });
      for (let i = 0; i < 5; i++) await insert(u.id, i === 1 ? 'x.kept' : `x.e${i}`);
      await insert(other.id, 'x.kept');
      const first = await store.pageAuditEvents({ userId: u.id, limit: 2 });
      expect(first.events.map((e) => e.type)).toEqual(['x.e4', 'x.e3']);
      expect(first.next).toEqual(expect.any(String));
      await insert(u.id, 'x.e5'); // newer: never shifts the following pages
      const second = await store.pageAuditEvents({ userId: u.id, limit: 2, before: first.next! });
      expect(second.events.map((e) => e.type)).toEqual(['x.e2', 'x.kept']);
      const third = await store.pageAuditEvents({ userId: u.id, limit: 2, before: second.next! });
      expect(third).toMatchObject({ next: null });
      expect(third.events.map((e) => e.type)).toEqual(['x.e0']);
      const kept = await store.pageAuditEvents({ userId: u.id, limit: 10, types: ['x.kept', 'x.none'] });
      expect(kept.events.map((e) => [e.userId, e.type])).toEqual([[u.id, 'x.kept']]);
      expect(kept.next).toBeNull();
      expect((await store.pageAuditEvents({ userId: u.id, limit: 1000 })).events).toHaveLength(6); // clamped to 100, not refused
    });

    it('device keys: upsert binds a key to a device (re-binds for the same user, never takes another user’s); deleting the device removes its keys', async () => {
      const [u, other] = [user(), user()];
      for (const x of [u, other]) await store.insertUser(x);
      const [d1, d2, d3] = [device(u.id), device(u.id), device(other.id)];
      for (const d of [d1, d2, d3]) await store.insertDevice(d);
      const key = {
        keyId: uid('k'),
        userId: u.id,
        deviceId: d1.id,
        publicJwk: { kty: 'EC' as const, crv: 'P-256' as const, x: 'x'.repeat(43), y: 'y'.repeat(43) },
        createdAt: t0,
        lastUsedAt: null,
      };
      expect(await store.upsertDeviceKey(key)).toBe(true);
      expect(await store.getDeviceKey(key.keyId)).toEqual(key);
      expect(await store.upsertDeviceKey({ ...key, deviceId: d2.id })).toBe(true);
      expect((await store.getDeviceKey(key.keyId))?.deviceId).toBe(d2.id);
      expect(await store.upsertDeviceKey({ ...key, userId: other.id, deviceId: d3.id })).toBe(false);
      expect(await store.getDeviceKey(key.keyId)).toMatchObject({ userId: u.id, deviceId: d2.id });
      const at = new Date(t0.getTime() + 5_000);
      await store.touchDeviceKey(key.keyId, at);
      expect((await store.getDeviceKey(key.keyId))?.lastUsedAt).toEqual(at);
      expect(await store.deleteDevice(u.id, d2.id)).toBe(true);
      expect(await store.getDeviceKey(key.keyId)).toBeNull();
      expect(await store.getDeviceKey(uid('none'))).toBeNull();
    });

    it('pruneDeviceKeys keeps the given key and the others most recently bound or used, on that device only', async () => {
      const u = user();
      await store.insertUser(u);
      const [d1, d2] = [device(u.id), device(u.id)];
      for (const d of [d1, d2]) await store.insertDevice(d);
      const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: 'x'.repeat(43), y: 'y'.repeat(43) };
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      // On d1: a bound at 0 and used at 5, b bound at 1, c bound at 2, d (the new one) bound at 3.
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n, i) => ({
        keyId: uid(n),
        userId: u.id,
        deviceId: d1.id,
        publicJwk: jwk,
        createdAt: at(i),
        lastUsedAt: null,
      }));
      const elsewhere = { keyId: uid('e'), userId: u.id, deviceId: d2.id, publicJwk: jwk, createdAt: at(0), lastUsedAt: null };
      for (const k of [a!, b!, c!, d!, elsewhere]) expect(await store.upsertDeviceKey(k)).toBe(true);
      await store.touchDeviceKey(a!.keyId, at(5));
      expect(await store.pruneDeviceKeys({ deviceId: d1.id, keep: 3, exceptKeyId: d!.keyId })).toBe(1);
      expect(await store.getDeviceKey(b!.keyId)).toBeNull(); // the least recently used
      for (const k of [a!, c!, d!, elsewhere]) expect(await store.getDeviceKey(k.keyId)).not.toBeNull();
      expect(await store.pruneDeviceKeys({ deviceId: d1.id, keep: 3, exceptKeyId: d!.keyId })).toBe(0);
      // Binding c again (its browser signed in with a passkey again) counts as use: a goes, not c.
      expect(await store.upsertDeviceKey({ ...c!, createdAt: at(7) })).toBe(true);
      expect(await store.pruneDeviceKeys({ deviceId: d1.id, keep: 2, exceptKeyId: d!.keyId })).toBe(1);
      expect(await store.getDeviceKey(a!.keyId)).toBeNull();
      expect(await store.getDeviceKey(c!.keyId)).not.toBeNull();
      expect(await store.pruneDeviceKeys({ deviceId: d1.id, keep: 1, exceptKeyId: d!.keyId })).toBe(1); // even a newer one
      expect(await store.getDeviceKey(c!.keyId)).toBeNull();
      expect(await store.getDeviceKey(d!.keyId)).not.toBeNull();
    });
  });
}
