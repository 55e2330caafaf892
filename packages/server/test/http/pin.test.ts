import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/storage/store.js';
import { createTestApp, signUp } from '../helpers/app.js';

let store: Store;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  store = await createPGliteStore();
  app = createTestApp(store);
});
afterAll(() => store.close());

const setPin = (token: string, pin: string) => app.call('PUT', '/me/pin', { pin }, { token });
const verify = (userId: string, pin: string) => app.call('POST', '/pin/verify', { userId, pin });

async function passkeySignIn(user: Awaited<ReturnType<typeof signUp>>) {
  const opts = await app.call('POST', '/passkeys/authenticate/options', {});
  const res = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response: await user.authenticator.getAssertion(opts.json.options) });
  return res.json.token as string;
}

describe('PIN', () => {
  it('is set once with a session, signs in with amr ["pin"], and is stored only as an argon2id hash', async () => {
    const user = await signUp(app);
    expect((await setPin(user.token, '2580')).status).toBe(204);
    const me = await app.call('GET', '/me', undefined, { token: user.token });
    expect(me.json.pin).toEqual({ set: true, locked: false });
    expect((await store.getPin(user.userId))?.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const ok = await verify(user.userId, '2580');
    expect(ok.status).toBe(200);
    expect((await app.twofold.tokens.verify({ token: ok.json.token })).amr).toEqual(['pin']);
  });

  it('limits PIN changes per user and per address, before the slow hash runs', async () => {
    const user = await signUp(app);
    const pins = ['2580', '7391', '1357', '8642', '3719'];
    for (const pin of pins) expect((await setPin(user.token, pin)).status, pin).toBe(204);
    const refused = await setPin(user.token, '9517');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect((await verify(user.userId, '3719')).status).toBe(200); // the last allowed change stands

    // Per address: many accounts from one address cannot keep the hash busy either.
    const fixed = createTestApp(store, { http: { clientAddress: () => '203.0.113.9' }, pins: { addressAttempts: { points: 2, durationSeconds: 900 } } });
    const [a, b] = [await signUp(fixed), await signUp(fixed)];
    expect((await fixed.call('PUT', '/me/pin', { pin: '2580' }, { token: a.token })).status).toBe(204);
    expect((await fixed.call('PUT', '/me/pin', { pin: '2580' }, { token: b.token })).status).toBe(204);
    expect((await fixed.call('PUT', '/me/pin', { pin: '7391' }, { token: b.token })).json.code).toBe('RATE_LIMITED');
  });

  it('refuses malformed and weak PINs', async () => {
    const user = await signUp(app);
    expect((await setPin(user.token, '12a4')).json.code).toBe('INVALID_REQUEST');
    expect((await setPin(user.token, '123')).json.code).toBe('INVALID_REQUEST');
    for (const weak of ['0000', '1234', '98765', '4444444']) expect((await setPin(user.token, weak)).json.code).toBe('PIN_TOO_WEAK');
  });

  it('locks on the third wrong PIN; a locked PIN refuses even the right one, across restarts', async () => {
    const user = await signUp(app);
    await setPin(user.token, '2580');
    const first = await verify(user.userId, '1111');
    expect(first.status).toBe(401);
    expect(first.json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: 2 });
    expect((await verify(user.userId, '2222')).json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: 1 });
    const third = await verify(user.userId, '3333');
    expect(third.status).toBe(423);
    expect(third.json).toMatchObject({ code: 'PIN_LOCKED', attemptsRemaining: 0 });
    expect((await verify(user.userId, '2580')).json.code).toBe('PIN_LOCKED');
    // a new server instance on the same database (a restart) sees the lock
    const restarted = createTestApp(store);
    expect((await restarted.call('POST', '/pin/verify', { userId: user.userId, pin: '2580' })).json.code).toBe('PIN_LOCKED');
    expect(app.events.some((e) => e.type === 'pin.locked' && e.userId === user.userId)).toBe(true);
  });

  it('a right PIN resets the count', async () => {
    const user = await signUp(app);
    await setPin(user.token, '2580');
    await verify(user.userId, '1111');
    await verify(user.userId, '1111');
    expect((await verify(user.userId, '2580')).status).toBe(200);
    expect((await verify(user.userId, '1111')).json.attemptsRemaining).toBe(2);
  });

  it('parallel guesses cannot exceed the limit', async () => {
    const user = await signUp(app);
    await setPin(user.token, '2580');
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => verify(user.userId, String(1000 + i))));
    const codes = results.map((r) => r.json.code);
    // only three guesses were ever checked; the rest met a locked PIN or busy attempt slots
    expect(codes.filter((c) => c === 'PIN_INVALID').length).toBeLessThanOrEqual(2);
    expect(codes.every((c) => ['PIN_INVALID', 'PIN_LOCKED', 'RATE_LIMITED'].includes(c))).toBe(true);
    expect((await store.getPin(user.userId))?.failedAttempts).toBe(3);
    expect((await verify(user.userId, '2580')).json.code).toBe('PIN_LOCKED');
  });

  it('replacing or unlocking a PIN needs a passkey/face/code sign-in from the last 5 minutes', async () => {
    const user = await signUp(app);
    await setPin(user.token, '2580');
    for (const wrong of ['1111', '2222', '3333']) await verify(user.userId, wrong);
    expect((await verify(user.userId, '2580')).json.code).toBe('PIN_LOCKED');
    // a PIN session is not strong enough
    const pinOnly = await app.twofold.tokens.issue({ userId: user.userId, amr: ['pin'] });
    expect((await setPin(pinOnly, '7391')).json.code).toBe('REAUTHENTICATION_REQUIRED');
    // a passkey session older than 5 minutes is not fresh
    const stale = await passkeySignIn(user);
    app.clock.advance(301);
    expect((await setPin(stale, '7391')).json.code).toBe('REAUTHENTICATION_REQUIRED');
    // a fresh passkey sign-in unlocks by setting a new PIN
    const fresh = await passkeySignIn(user);
    expect((await setPin(fresh, '7391')).status).toBe(204);
    expect((await verify(user.userId, '7391')).status).toBe(200);
    expect((await verify(user.userId, '2580')).json.code).toBe('PIN_INVALID');
  });

  it('an unknown id, a user without a PIN and a wrong PIN look the same: status, body, lock and (roughly) time', async () => {
    const known = await signUp(app);
    await setPin(known.token, '2580');
    const noPin = await signUp(app);
    const shape = (r: { status: number; json: any }) => ({ status: r.status, ...r.json });
    for (const expected of [{ status: 401, code: 'PIN_INVALID', attemptsRemaining: 2 }, { status: 401, code: 'PIN_INVALID', attemptsRemaining: 1 }, { status: 423, code: 'PIN_LOCKED', attemptsRemaining: 0 }, { status: 423, code: 'PIN_LOCKED', attemptsRemaining: 0 }]) {
      const unknown = shape(await verify('nobody-at-all', '1111'));
      expect(unknown).toMatchObject(expected);
      expect(unknown).toEqual(shape(await verify(noPin.userId, '1111')));
      expect(unknown).toEqual(shape(await verify(known.userId, '1111')));
    }
    await store.clearPinAttempts(known.userId);
    await store.setPin(known.userId, (await store.getPin(known.userId))!.hash, new Date()); // unlock

    // The unknown id runs the same slow hash: interleaved, the medians are within 3x of each
    // other (before, an unknown id answered at once: ~30x faster than a wrong PIN).
    const time = async (userId: string) => {
      const t = performance.now();
      await verify(userId, '1111');
      return performance.now() - t;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 4; i++) {
      a.push(await time(`nobody-else-${i}`));
      b.push(await time(known.userId));
      await store.clearPinAttempts(known.userId);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ratio = median(a) / median(b);
    expect(ratio, `unknown ${median(a).toFixed(1)} ms, known ${median(b).toFixed(1)} ms`).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});
