import { describe, expect, it } from 'vitest';
import { bindDevice, createTestApp, signUp as signUpUnbound, type TestApp, type TestDeviceKey, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

const app = useTestApp(openPGlite);

const setPin = (token: string, pin: string) => app.call('PUT', '/me/pin', { pin }, { token });
// Every user here signs up on a device whose key is bound (device binding: test/http/device-binding.test.ts).
const keys = new Map<string, TestDeviceKey>();
async function signUp(on: TestApp) {
  const user = await signUpUnbound(on);
  keys.set(user.userId, await bindDevice(on, user.token));
  return user;
}
/** PIN sign-in with a proof by the user's device key (an unknown id has none: a made-up proof). */
async function verify(userId: string, pin: string, via: TestApp = app) {
  const key = keys.get(userId);
  const deviceProof = key
    ? await key.proof(userId, 'pin')
    : {
        keyId: 'A'.repeat(43),
        challengeId: (await via.call('POST', '/device-keys/challenge', { userId, purpose: 'pin' })).json.challengeId,
        signature: 'A'.repeat(86),
      };
  return via.call('POST', '/pin/verify', { userId, pin, deviceProof });
}

async function passkeySignIn(user: Awaited<ReturnType<typeof signUp>>) {
  const opts = await app.call('POST', '/passkeys/authenticate/options', {});
  const res = await app.call('POST', '/passkeys/authenticate/verify', {
    ceremonyId: opts.json.ceremonyId,
    response: await user.authenticator.getAssertion(opts.json.options),
  });
  return res.json.token as string;
}

describe('PIN', () => {
  it('is set once with a session, signs in with amr ["pin"], and is stored only as an argon2id hash', async () => {
    const user = await signUp(app);
    expect((await setPin(user.token, '2580')).status).toBe(204);
    const me = await app.call('GET', '/me', undefined, { token: user.token });
    expect(me.json.pin).toEqual({ set: true, locked: false });
    expect((await app.store.getPin(user.userId))?.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
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
    const fixed = createTestApp(app.store, {
      http: { clientAddress: () => '203.0.113.9' },
      pins: { addressAttempts: { points: 2, durationSeconds: 900 } },
    });
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
    const restarted = createTestApp(app.store);
    expect((await verify(user.userId, '2580', restarted)).json.code).toBe('PIN_LOCKED');
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
    expect((await app.store.getPin(user.userId))?.failedAttempts).toBe(3);
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

  it('an unknown id and a known one without a valid device proof look the same; so do a user without a PIN and a wrong PIN', async () => {
    const known = await signUp(app);
    await setPin(known.token, '2580');
    const noPin = await signUp(app);
    const shape = (r: { status: number; json: any }) => ({ status: r.status, ...r.json });
    // Without a key of theirs, nobody reaches the PIN: unknown and known ids are refused alike.
    const unknown = shape(await verify('nobody-at-all', '1111'));
    expect(unknown).toMatchObject({ status: 401, code: 'DEVICE_PROOF_INVALID' });
    const ch = await app.call('POST', '/device-keys/challenge', { userId: known.userId, purpose: 'pin' });
    expect(unknown).toEqual(
      shape(
        await app.call('POST', '/pin/verify', {
          userId: known.userId,
          pin: '1111',
          deviceProof: { keyId: 'A'.repeat(43), challengeId: ch.json.challengeId, signature: 'A'.repeat(86) },
        }),
      ),
    );
    // On a bound device, a user without a PIN is answered like a wrong PIN (decoy count and lock).
    for (const expected of [
      { status: 401, code: 'PIN_INVALID', attemptsRemaining: 2 },
      { status: 401, code: 'PIN_INVALID', attemptsRemaining: 1 },
      { status: 423, code: 'PIN_LOCKED', attemptsRemaining: 0 },
      { status: 423, code: 'PIN_LOCKED', attemptsRemaining: 0 },
    ]) {
      const decoy = shape(await verify(noPin.userId, '1111'));
      expect(decoy).toMatchObject(expected);
      expect(decoy).toEqual(shape(await verify(known.userId, '1111')));
    }
    await app.store.clearPinAttempts(known.userId);
    await app.store.setPin(known.userId, (await app.store.getPin(known.userId))!.hash, new Date()); // unlock

    // The decoy runs the same slow hash: interleaved, the medians are within 3x of each other.
    const time = async (userId: string) => {
      const t = performance.now();
      await verify(userId, '1111');
      return performance.now() - t;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 4; i++) {
      const fresh = await signUp(app); // a new user without a PIN each time (the decoy locks after 3)
      a.push(await time(fresh.userId));
      b.push(await time(known.userId));
      await app.store.clearPinAttempts(known.userId);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ratio = median(a) / median(b);
    expect(ratio, `no PIN ${median(a).toFixed(1)} ms, known ${median(b).toFixed(1)} ms`).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});
