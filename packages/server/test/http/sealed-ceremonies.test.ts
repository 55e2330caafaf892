import { createSoftAuthenticator } from '@twofold/testing';
import { describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { TwofoldError } from '../../src/errors.js';
import type { Store } from '../../src/store.js';
import { createTestApp, ORIGIN, passkeyAssertion, signUp, type TestApp, uniqueName } from '../helpers/app.js';
import { storeBackends, useStore } from '../helpers/backends.js';

const backends = await storeBackends();
const k1 = parseKeyring(generateSealingKey('k1'));
const k2 = parseKeyring(generateSealingKey('k2'));

/** `store`, counting the calls of each method (the store's own calls inside a method are not counted). */
function counted(store: Store) {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return {
    store: proxy,
    calls,
    reset: () => calls.clear(),
    count: (...names: string[]) => names.reduce((n, k) => n + (calls.get(k) ?? 0), 0),
  };
}

describe.each(backends)('stateless sign-in ceremonies on %s', (_name, open) => {
  const db = useStore(open);

  /** `counted(db.store)`, an app over it, a user, and the user's answer to a fresh sign-in ceremony (`body`, not yet sent). */
  async function countedSignIn() {
    const c = counted(db.store);
    const app = createTestApp(c.store, { secretKeys: k1 });
    const user = await signUp(app);
    const { opts, response } = await passkeyAssertion(app, user.authenticator);
    return { c, app, user, body: { ceremonyId: opts.json.ceremonyId, response } };
  }
  /** Counts the session tokens `app` mints from now on. */
  function countMints(app: TestApp) {
    const tokens = app.twofold.context.tokens;
    const mint = tokens.mint.bind(tokens);
    let minted = 0;
    tokens.mint = (input) => {
      minted++;
      return mint(input);
    };
    return () => minted;
  }

  it('starting a sign-in touches no storage; completing it is one write and, for a returning credential, no read', async () => {
    const { c, app, user, body: warm } = await countedSignIn();
    expect((await app.call('POST', '/passkeys/authenticate/verify', warm)).status).toBe(200);

    c.reset();
    const { opts, response } = await passkeyAssertion(app, user.authenticator);
    expect(opts.status).toBe(200);
    expect([...c.calls.keys()]).toEqual([]);
    const done = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response });
    expect(done.status).toBe(200);
    // the session check of later requests is not part of the sign-in
    expect(Object.fromEntries(c.calls)).toEqual({ recordPasskeyUse: 1 });

    // without secret keys the ceremony is stored (the comparison the change is about)
    const stored = createTestApp(c.store);
    c.reset();
    await stored.call('POST', '/passkeys/authenticate/options', {});
    expect(c.count('insertCeremony')).toBe(1);
  });

  it('a sign-in started on one server completes on another with the same keys, once', async () => {
    const a = createTestApp(db.store, { secretKeys: k1 });
    const b = createTestApp(db.store, { secretKeys: k1 });
    const user = await signUp(a);
    const { opts, response } = await passkeyAssertion(a, user.authenticator);
    const body = { ceremonyId: opts.json.ceremonyId, response };
    expect((await b.call('POST', '/passkeys/authenticate/verify', body)).status).toBe(200);
    const replay = await a.call('POST', '/passkeys/authenticate/verify', body);
    expect(replay.status).toBe(400);
    expect(replay.json.code).toBe('CHALLENGE_NOT_FOUND');
    // a server with other keys does not accept the id at all
    const other = createTestApp(db.store, { secretKeys: k2 });
    const fresh = await passkeyAssertion(a, user.authenticator);
    const res = await other.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: fresh.opts.json.ceremonyId,
      response: fresh.response,
    });
    expect(res.json.code).toBe('CHALLENGE_NOT_FOUND');
  });

  it('keys rotate: a ceremony started under the old key completes while that key is still in the ring', async () => {
    const before = createTestApp(db.store, { secretKeys: k1 });
    const user = await signUp(before);
    const started = await passkeyAssertion(before, user.authenticator);
    const rotated = createTestApp(db.store, { secretKeys: [...k2, ...k1] });
    const done = await rotated.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: started.opts.json.ceremonyId,
      response: started.response,
    });
    expect(done.status).toBe(200);
    expect((await rotated.call('POST', '/passkeys/authenticate/options', {})).json.ceremonyId).toMatch(/^a1\.k2\./);
  });

  it('a credential one server holds in memory is refused there once another server deleted its device', async () => {
    const a = createTestApp(db.store, { secretKeys: k1 });
    const b = createTestApp(db.store, { secretKeys: k1 });
    const user = await signUp(a);
    const first = await passkeyAssertion(a, user.authenticator);
    expect(
      (await a.call('POST', '/passkeys/authenticate/verify', { ceremonyId: first.opts.json.ceremonyId, response: first.response })).status,
    ).toBe(200);
    const del = await b.call('DELETE', `/me/devices/${user.deviceId}?confirm=last-passkey`, undefined, { token: user.token });
    expect(del.status).toBe(204);
    const signIns = () => a.events.filter((e) => e.type === 'user.signed_in' && e.userId === user.userId).length;
    const before = signIns();
    const again = await passkeyAssertion(a, user.authenticator);
    const res = await a.call('POST', '/passkeys/authenticate/verify', { ceremonyId: again.opts.json.ceremonyId, response: again.response });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
    expect(signIns()).toBe(before);
  });

  it('a counter regression is caught against the stored counter, not the one in memory', async () => {
    const a = createTestApp(db.store, { secretKeys: k1 });
    const b = createTestApp(db.store, { secretKeys: k1 });
    const user = await signUp(a);
    const use = async (app: typeof a, counter: number) => {
      const { opts } = await passkeyAssertion(app, user.authenticator);
      const response = await user.authenticator.getAssertion(opts.json.options, { counter });
      return app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response });
    };
    expect((await use(a, 5)).status).toBe(200); // a now holds the credential
    expect((await use(b, 9)).status).toBe(200); // moved on elsewhere
    expect((await use(a, 7)).json.code).toBe('COUNTER_REGRESSION'); // 7 > 5 (memory), not > 9 (stored)
    expect(a.events.find((e) => e.type === 'passkey.counter_regression' && e.userId === user.userId)?.data).toEqual({
      storedCounter: 9,
      assertedCounter: 7,
    });
    expect((await use(a, 10)).status).toBe(200);
  });

  it('refuses a ceremony lifetime a sealed id cannot carry (it would wrap around, or never expire)', () => {
    for (const ceremonyTtlSeconds of [2 ** 33, -1, 0, Number.NaN, Infinity, 1.5]) {
      expect(() => createTestApp(db.store, { secretKeys: k1, ceremonyTtlSeconds }), String(ceremonyTtlSeconds)).toThrow(
        /ceremonyTtlSeconds/,
      );
    }
    expect(() => createTestApp(db.store, { secretKeys: k1, ceremonyTtlSeconds: 60 })).not.toThrow();
  });

  it("a named ceremony answers only its user's credential, and a wrong credential uses it up (one guess, as a stored one)", async () => {
    const app = createTestApp(db.store, { secretKeys: k1 });
    const alice = await signUp(app);
    const bob = await signUp(app);
    const forAlice = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
    const bobs = await bob.authenticator.getAssertion({ ...forAlice.json.options, allowCredentials: [] });
    const refused = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: forAlice.json.ceremonyId, response: bobs });
    expect(refused.json.code).toBe('CREDENTIAL_NOT_FOUND');
    const alices = await alice.authenticator.getAssertion(forAlice.json.options);
    const after = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: forAlice.json.ceremonyId, response: alices });
    expect(after.json.code).toBe('CHALLENGE_NOT_FOUND');
    // a fresh one works for her
    const again = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
    const ok = await app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: again.json.ceremonyId,
      response: await alice.authenticator.getAssertion(again.json.options),
    });
    expect(ok.status).toBe(200);
    expect(ok.json.userId).toBe(alice.userId);
  });

  it('an expired named ceremony says only that it expired, whoever answers', async () => {
    const app = createTestApp(db.store, { secretKeys: k1 });
    const alice = await signUp(app);
    const bob = await signUp(app);
    const forAlice = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
    app.clock.advance(30 * 86_400);
    for (const who of [alice, bob]) {
      const response = await who.authenticator.getAssertion({ ...forAlice.json.options, allowCredentials: [] });
      const res = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: forAlice.json.ceremonyId, response });
      expect(res.json.code).toBe('CHALLENGE_EXPIRED');
    }
  });

  it('a name that matches no user, a user without passkeys and a user with them are answered alike', async () => {
    const app = createTestApp(db.store, { secretKeys: k1 });
    const withPasskey = await signUp(app);
    const withoutPasskey = (await app.twofold.users.create({ username: uniqueName('bare') })).username;
    const stranger = createSoftAuthenticator({ origin: ORIGIN }); // a credential registered nowhere
    await stranger.createCredential((await app.call('POST', '/passkeys/register/options', { username: uniqueName('x') })).json.options);
    const outer = await signUp(app); // and one registered to someone else
    const answers = async (username: string) => {
      const codes: string[] = [];
      for (const who of [stranger, outer.authenticator]) {
        const opts = await app.call('POST', '/passkeys/authenticate/options', { username });
        const response = await who.getAssertion({ ...opts.json.options, allowCredentials: [] });
        for (let i = 0; i < 2; i++)
          codes.push((await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response })).json.code);
      }
      return codes;
    };
    const expected = ['CREDENTIAL_NOT_FOUND', 'CHALLENGE_NOT_FOUND', 'CREDENTIAL_NOT_FOUND', 'CHALLENGE_NOT_FOUND'];
    expect(await answers(uniqueName('ghost'))).toEqual(expected);
    expect(await answers(withoutPasskey)).toEqual(expected);
    expect(await answers(withPasskey.username)).toEqual(expected);
  });

  it('a replay to the server that saw the ceremony used is refused before any signature check or write', async () => {
    const { c, app, body } = await countedSignIn();
    expect((await app.call('POST', '/passkeys/authenticate/verify', body)).status).toBe(200);
    const minted = countMints(app);
    c.reset();
    for (let i = 0; i < 5; i++)
      expect((await app.call('POST', '/passkeys/authenticate/verify', body)).json.code).toBe('CHALLENGE_NOT_FOUND');
    expect(Object.fromEntries(c.calls)).toEqual({});
    expect(minted()).toBe(0);
  });

  it('the same id sent to one server many times at once is checked and written once', async () => {
    const { c, app, body } = await countedSignIn();
    const minted = countMints(app);
    c.reset();
    const answers = await Promise.all(Array.from({ length: 8 }, () => app.call('POST', '/passkeys/authenticate/verify', body)));
    expect(answers.map((a) => a.json.code ?? a.status).sort()).toEqual([200, ...Array(7).fill('CHALLENGE_NOT_FOUND')]);
    // before: each of the 8 checked the signature, signed a token and reached the store
    expect(c.count('recordPasskeyUse', 'useCeremonyMarker')).toBe(1);
    expect(minted()).toBe(1);
  });

  it('an attempt the store could not decide gives its id back: the same answer succeeds once the store is back', async () => {
    let down = true;
    const flaky = new Proxy(db.store, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'recordPasskeyUse' && down) {
          return async () => {
            down = false;
            throw new TwofoldError('STORE_UNAVAILABLE', 'down for the test', { retryAfterSeconds: 1 });
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const app = createTestApp(flaky, { secretKeys: k1, onError: () => {} });
    const user = await signUp(createTestApp(db.store, { secretKeys: k1 }));
    const { opts, response } = await passkeyAssertion(app, user.authenticator);
    const body = { ceremonyId: opts.json.ceremonyId, response };
    expect((await app.call('POST', '/passkeys/authenticate/verify', body)).json.code).toBe('STORE_UNAVAILABLE');
    expect((await app.call('POST', '/passkeys/authenticate/verify', body)).status).toBe(200);
    expect((await app.call('POST', '/passkeys/authenticate/verify', body)).json.code).toBe('CHALLENGE_NOT_FOUND');
  });

  it('clocks that differ between servers do not reopen a used ceremony once one of them sweeps', async () => {
    const slow = createTestApp(db.store, { secretKeys: k1 });
    const user = await signUp(slow);
    const { opts, response } = await passkeyAssertion(slow, user.authenticator);
    const body = { ceremonyId: opts.json.ceremonyId, response };
    expect((await slow.call('POST', '/passkeys/authenticate/verify', body)).status).toBe(200);
    // a server 6 minutes ahead: to it the ceremony expired a minute ago, and it sweeps
    const fast = createTestApp(db.store, { secretKeys: k1, now: () => new Date(slow.clock.now().getTime() + 6 * 60_000) });
    expect((await fast.twofold.sweep()).ran).toBe(true);
    // another server with the slow clock, which has not seen the ceremony used
    const other = createTestApp(db.store, { secretKeys: k1, now: slow.clock.now });
    const replay = await other.call('POST', '/passkeys/authenticate/verify', body);
    expect(replay.status).toBe(400);
    expect(replay.json.code).toBe('CHALLENGE_NOT_FOUND');
  });
});
