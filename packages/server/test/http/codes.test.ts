import { createSoftAuthenticator } from '@twofold/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { ORIGIN, signUp, useTestApp } from '../helpers/app.js';
import { storeBackends } from '../helpers/backends.js';

const backends = await storeBackends();

describe.each(backends)('account recovery with codes on %s', (_name, open) => {
  const app = useTestApp(open, {
    secretKeys: parseKeyring(generateSealingKey('k1')),
    codes: { linkTemplate: 'https://bank.example/recover?user={userId}&code={code}', userAttempts: { points: 8, durationSeconds: 900 } },
  });
  let support: string;
  beforeAll(async () => {
    support = (
      await app.twofold.apiKeys.create({ name: 'support', scopes: ['codes.generate', 'devices.read', 'devices.delete', 'users.retrieve'] })
    ).secret;
  });

  const generate = (userId: string, type: string, extra: Record<string, unknown> = {}) =>
    app.call('POST', `/codes/${type}/generate`, { userId, purpose: 'add_credential', authorize: true, ...extra }, { token: support });

  async function redeem(userId: string, code: string, type: string, device = createSoftAuthenticator({ origin: ORIGIN })) {
    const init = await app.call('POST', '/credentials/fido2/init/code', { userId, code: { code, type } });
    if (init.status !== 200) return { init, complete: null, device };
    const complete = await app.call('POST', '/credentials/fido2/complete', {
      ceremonyId: init.json.ceremonyId,
      response: await device.createCredential(init.json.options),
    });
    return { init, complete, device };
  }

  it('recovers an account on a new device: generate, redeem, sign in with the new passkey, remove the old device', async () => {
    const user = await signUp(app);
    const gen = await generate(user.userId, 'long');
    expect(gen.status).toBe(201);
    expect(gen.json).toEqual({ code: expect.stringMatching(/^[\w-]{22}$/), expiresAt: expect.any(String), isAuthorized: true });
    // stored only as a keyed hash
    const [stored] = await app.store.listCodes({ userId: user.userId, type: 'long', purpose: 'add_credential', limit: 1 });
    expect(stored!.hashKeyId).toBe('k1');
    expect(JSON.stringify(stored)).not.toContain(gen.json.code);

    const { init, complete, device } = await redeem(user.userId, gen.json.code, 'long');
    expect(init.status).toBe(200);
    expect(init.json.options.excludeCredentials).toHaveLength(1); // the old device's passkey
    expect(complete!.status).toBe(200);
    expect(complete!.json).toMatchObject({ userId: user.userId, deviceId: expect.any(String) });
    const me = await app.twofold.tokens.verify({ token: complete!.json.token });
    expect(me.amr).toEqual(['code']);

    // the new device signs in; the old one is removed by the backend and stops working
    const opts = await app.call('POST', '/passkeys/authenticate/options', {});
    const signIn = await app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: opts.json.ceremonyId,
      response: await device.getAssertion(opts.json.options),
    });
    expect(signIn.json.deviceId).toBe(complete!.json.deviceId);
    const devices = await app.call('GET', `/users/${user.userId}/devices`, undefined, { token: support });
    expect(devices.json.devices).toHaveLength(2);
    expect((await app.call('DELETE', `/users/${user.userId}/devices/${user.deviceId}`, undefined, { token: support })).status).toBe(204);
    const old = await app.call('POST', '/passkeys/authenticate/options', {});
    const refused = await app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: old.json.ceremonyId,
      response: await user.authenticator.getAssertion(old.json.options),
    });
    expect(refused.json.code).toBe('CREDENTIAL_NOT_FOUND');

    // the code cannot be reused
    const again = await redeem(user.userId, gen.json.code, 'long');
    expect(again.init.status).toBe(401);
    expect(again.init.json.code).toBe('CODE_USED');

    const types = app.events.filter((e) => e.userId === user.userId).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['code.generated', 'passkey.added', 'code.redeemed', 'device.removed']));
    const added = app.events.find((e) => e.type === 'passkey.added' && e.deviceId === complete!.json.deviceId);
    expect(added?.data.via).toBe('code');
  });

  it('makes 8-digit short codes and links with the configured template', async () => {
    const user = await signUp(app);
    const short = await generate(user.userId, 'short');
    expect(short.json.code).toMatch(/^\d{8}$/);
    const link = await generate(user.userId, 'link');
    expect(link.json.link).toBe(`https://bank.example/recover?user=${encodeURIComponent(user.userId)}&code=${link.json.code}`);
    // spaces typed into a short code are ignored
    const spaced = short.json.code.replace(/(\d{4})(\d{4})/, '$1 $2');
    expect((await redeem(user.userId, spaced, 'short')).complete!.status).toBe(200);
  });

  it('exactly one of many concurrent redemptions of one code adds a passkey', async () => {
    const user = await signUp(app);
    const gen = await generate(user.userId, 'long');
    const inits = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.call('POST', '/credentials/fido2/init/code', { userId: user.userId, code: { code: gen.json.code, type: 'long' } }),
      ),
    );
    expect(inits.every((i) => i.status === 200)).toBe(true);
    const completes = await Promise.all(
      inits.map(async (i) =>
        app.call('POST', '/credentials/fido2/complete', {
          ceremonyId: i.json.ceremonyId,
          response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(i.json.options),
        }),
      ),
    );
    expect(completes.filter((c) => c.status === 200)).toHaveLength(1);
    expect(new Set(completes.filter((c) => c.status !== 200).map((c) => c.json.code))).toEqual(new Set(['CODE_USED']));
    const devices = await app.call('GET', `/users/${user.userId}/devices`, undefined, { token: support });
    expect(devices.json.devices).toHaveLength(2);
  });

  it('refuses expired codes (clock seam), and caps the lifetime', async () => {
    const user = await signUp(app);
    const gen = await generate(user.userId, 'short', { ttlSeconds: 60 });
    app.clock.advance(61);
    const { init } = await redeem(user.userId, gen.json.code, 'short');
    expect(init.status).toBe(401);
    expect(init.json.code).toBe('CODE_EXPIRED');
    const tooLong = await generate(user.userId, 'short', { ttlSeconds: 8 * 86_400 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.code).toBe('INVALID_REQUEST');
  });

  it('wrong guesses never lock a short code: the right one still works after them', async () => {
    const user = await signUp(app);
    const gen = await generate(user.userId, 'short');
    const wrong = gen.json.code === '00000000' ? '11111111' : '00000000';
    for (let i = 0; i < 3; i++) {
      const r = await redeem(user.userId, wrong, 'short');
      expect(r.init.status).toBe(401);
      expect(r.init.json.code).toBe('CODE_INVALID');
    }
    const right = await redeem(user.userId, gen.json.code, 'short');
    expect(right.complete?.status).toBe(200);
    expect(app.events.filter((e) => e.type === 'code.wrong' && e.userId === user.userId)).toHaveLength(3);
    expect(app.events.some((e) => e.type === 'code.locked' && e.userId === user.userId)).toBe(false);
  });

  it('does not reveal whether a user exists', async () => {
    const unknown = await app.call('POST', '/credentials/fido2/init/code', {
      userId: 'no-such-user',
      code: { code: '12345678', type: 'short' },
    });
    const user = await signUp(app);
    const wrong = await app.call('POST', '/credentials/fido2/init/code', {
      userId: user.userId,
      code: { code: '12345678', type: 'short' },
    });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.json).toEqual(wrong.json);
  });

  it('invalidates all of a user’s codes', async () => {
    const user = await signUp(app);
    const a = await generate(user.userId, 'long');
    await generate(user.userId, 'short');
    const inv = await app.call('POST', '/codes/invalidate-all', { userId: user.userId }, { token: support });
    expect(inv.json).toEqual({ invalidated: 2 });
    expect((await redeem(user.userId, a.json.code, 'long')).init.json.code).toBe('CODE_INVALID');
  });

  it('validates generate input and scopes', async () => {
    const user = await signUp(app);
    expect((await generate(user.userId, 'medium')).json.code).toBe('NOT_FOUND');
    expect(
      (await app.call('POST', '/codes/short/generate', { userId: user.userId, purpose: 'login', authorize: true }, { token: support })).json
        .code,
    ).toBe('INVALID_REQUEST');
    expect(
      (
        await app.call(
          'POST',
          '/codes/short/generate',
          { userId: user.userId, purpose: 'add_credential', authorize: false },
          { token: support },
        )
      ).json.code,
    ).toBe('INVALID_REQUEST');
    expect((await generate('nobody', 'short')).json.code).toBe('USER_NOT_FOUND');
    const reader = (await app.twofold.apiKeys.create({ name: 'r', scopes: ['devices.read'] })).secret;
    const denied = await app.call(
      'POST',
      '/codes/short/generate',
      { userId: user.userId, purpose: 'add_credential', authorize: true },
      { token: reader },
    );
    expect(denied.json.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('a sign-in ceremony cannot complete a code ceremony and vice versa', async () => {
    const user = await signUp(app);
    const opts = await app.call('POST', '/passkeys/register/options', {}, { token: user.token });
    const res = await app.call('POST', '/credentials/fido2/complete', {
      ceremonyId: opts.json.ceremonyId,
      response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(opts.json.options),
    });
    expect(res.json.code).toBe('CEREMONY_MISMATCH');
    const gen = await generate(user.userId, 'long');
    const init = await app.call('POST', '/credentials/fido2/init/code', {
      userId: user.userId,
      code: { code: gen.json.code, type: 'long' },
    });
    const viaPasskeyRoute = await app.call(
      'POST',
      '/passkeys/register/verify',
      { ceremonyId: init.json.ceremonyId, response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(init.json.options) },
      { token: user.token },
    );
    expect(viaPasskeyRoute.json.code).toBe('CEREMONY_MISMATCH');
  });
});
