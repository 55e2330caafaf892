import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPinHasher } from '../../src/adapters/node/index.js';
import { inlinePinHasher, type PinHasher } from '../../src/pins/hashing.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/store.js';
import { bindDevice, createTestApp, signUp } from '../helpers/app.js';

// Issue 13 item 4: argon2id (~70 ms of CPU per PIN check, change or reset) ran on the event loop,
// as many at once as requests arrived. Now a per-instance gate admits `pins.hashConcurrency`
// hashes and queues `pins.hashQueue` more (then 503 SERVER_BUSY, before any attempt is counted),
// and on Node the hashes run in worker threads (`createWorkerPinHasher`).

let store: Store;
beforeAll(async () => {
  store = await createPGliteStore();
});
afterAll(() => store.close());

/**
 * A real hasher (hash-wasm) whose verifications wait until the test lets them go, so the gate's
 * state is known when a burst arrives.
 */
function heldHasher(): { hasher: PinHasher; letGo: () => void } {
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  const hasher: PinHasher = {
    hash: (o) => inlinePinHasher.hash(o),
    verify: async (o) => {
      await held;
      return inlinePinHasher.verify(o);
    },
  };
  return { hasher, letGo };
}

describe('argon2id for PINs', () => {
  it('a burst of PIN checks beyond the gate gets 503 SERVER_BUSY and counts no attempt', async () => {
    const { hasher, letGo } = heldHasher();
    const app = createTestApp(store, { pinHasher: hasher, pins: { hashConcurrency: 1, hashQueue: 1 } });
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    expect((await app.call('PUT', '/me/pin', { pin: '2580' }, { token: user.token })).status).toBe(204);
    const verify = async (pin: string) =>
      app.call('POST', '/pin/verify', { userId: user.userId, pin, deviceProof: await key.proof(user.userId, 'pin') });
    const proofs = await Promise.all([1, 2, 3].map(() => key.proof(user.userId, 'pin')));

    const gate = app.twofold.context.pinHashing.gate;
    const first = app.call('POST', '/pin/verify', { userId: user.userId, pin: '1111', deviceProof: proofs[0] });
    await until(() => gate.load.running === 1);
    const second = app.call('POST', '/pin/verify', { userId: user.userId, pin: '2222', deviceProof: proofs[1] });
    await until(() => gate.load.queued === 1);
    const busy = await app.call('POST', '/pin/verify', { userId: user.userId, pin: '3333', deviceProof: proofs[2] });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('content-type')).toBe('application/problem+json');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.json).toMatchObject({ code: 'SERVER_BUSY', retryAfterSeconds: 1 });
    // A PIN change is refused the same way (it would be a hash too).
    const busyChange = await app.call('PUT', '/me/pin', { pin: '7391' }, { token: user.token });
    expect(busyChange.json.code).toBe('SERVER_BUSY');

    letGo();
    expect((await first).json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: 2 });
    expect((await second).json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: 1 });
    expect(gate.load).toEqual({ running: 0, queued: 0 });
    // The refused guess spent nothing: one attempt is left, and the right PIN still works.
    expect((await store.getPin(user.userId))?.failedAttempts).toBe(2);
    expect((await verify('2580')).status).toBe(200);
  });

  it('a busy server refuses before the rate limit is counted: SERVER_BUSY spends none of the user’s points', async () => {
    const { hasher, letGo } = heldHasher();
    const app = createTestApp(store, {
      pinHasher: hasher,
      pins: { hashConcurrency: 1, hashQueue: 0, userAttempts: { points: 3, durationSeconds: 900 } },
    });
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    expect((await app.call('PUT', '/me/pin', { pin: '2580' }, { token: user.token })).status).toBe(204);
    const verify = async (pin: string) =>
      app.call('POST', '/pin/verify', { userId: user.userId, pin, deviceProof: await key.proof(user.userId, 'pin') });
    const gate = app.twofold.context.pinHashing.gate;

    const first = verify('1111'); // point 1 of 3; holds the only slot
    await until(() => gate.load.running === 1);
    for (let i = 0; i < 4; i++) expect((await verify('2580')).json.code).toBe('SERVER_BUSY'); // before: RATE_LIMITED from the third
    letGo();
    expect((await first).json.code).toBe('PIN_INVALID');
    expect((await verify('2580')).status).toBe(200); // point 2: the busy answers spent none
    expect((await verify('1111')).json.code).toBe('PIN_INVALID'); // point 3
    expect((await verify('2580')).json.code).toBe('RATE_LIMITED');
    expect(gate.load).toEqual({ running: 0, queued: 0 }); // the refused ones gave their places back
  });

  it('refuses a gate that would be unbounded (NaN or 0 concurrency, negative queue)', () => {
    expect(() => createTestApp(store, { pins: { hashConcurrency: Number.NaN } })).toThrow(TypeError);
    expect(() => createTestApp(store, { pins: { hashConcurrency: 0 } })).toThrow(TypeError);
    expect(() => createTestApp(store, { pins: { hashQueue: -1 } })).toThrow(TypeError);
  });

  describe('with createWorkerPinHasher (Node)', () => {
    const pool = createWorkerPinHasher({ threads: 2 });
    afterAll(() => pool.close());

    it('hashes like the core (same encoding, verifiable either way)', async () => {
      const salt = new Uint8Array(16).fill(7);
      const fromPool = await pool.hash({ password: '2580', salt });
      expect(fromPool).toBe(await inlinePinHasher.hash({ password: '2580', salt }));
      expect(fromPool).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await pool.verify({ password: '2580', hash: fromPool })).toBe(true);
      expect(await pool.verify({ password: '2581', hash: fromPool })).toBe(false);
    });

    it('PIN checks over HTTP leave the event loop free: it is busy a fraction of what inline hashing costs', async () => {
      const app = createTestApp(store, { pinHasher: pool });
      const inline = createTestApp(store); // the default: hash-wasm on this thread
      const users = await Promise.all([signUp(app), signUp(app), signUp(app)]);
      const keys = new Map(await Promise.all(users.map(async (u) => [u.userId, await bindDevice(app, u.token)] as const)));
      for (const u of users) expect((await app.call('PUT', '/me/pin', { pin: '2580' }, { token: u.token })).status).toBe(204);
      await pool.verify({ password: '0', hash: (await store.getPin(users[0]!.userId))!.hash }); // threads up

      /** Six PIN sign-ins at once; how long the event loop was busy meanwhile (ms). */
      const busyDuring = async (via: typeof app) => {
        // Proofs first: the measured window holds the PIN checks.
        const proofs = await Promise.all(
          users.flatMap((u) =>
            [1, 2].map(async () => ({ userId: u.userId, deviceProof: await keys.get(u.userId)!.proof(u.userId, 'pin') })),
          ),
        );
        const before = performance.eventLoopUtilization();
        const answers = await Promise.all(proofs.map((p) => via.call('POST', '/pin/verify', { ...p, pin: '2580' })));
        const { active } = performance.eventLoopUtilization(before);
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
        return active;
      };
      const onLoop = await busyDuring(inline);
      const offLoop = await busyDuring(app);
      // Same requests, same database work; the difference is six argon2id runs (~50–90 ms each).
      expect(offLoop).toBeLessThan(onLoop / 2);
    });
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!condition()) throw new Error('condition not reached');
}
