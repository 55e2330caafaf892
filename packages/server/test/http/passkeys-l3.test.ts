import { createSoftAuthenticator } from '@twofold/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPasskey, createTestApp, ORIGIN, signUp, uniqueName, useTestApp } from '../helpers/app.js';
import { storeBackends } from '../helpers/backends.js';

// WebAuthn Level 3 features: authenticator names from the AAGUID and synced/device-only flags
// in device lists, hints (§5.8.7), related origin requests (§5.11).
const backends = await storeBackends();
const GOOGLE_PASSWORD_MANAGER = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
const RELATED = 'https://northwind-bank.example';

describe.each(backends)('WebAuthn L3 features over HTTP on %s', (_name, open) => {
  const app = useTestApp(open);

  async function register(options: { aaguid?: string; backupEligible?: boolean; name?: string; userAgent?: string }) {
    const authenticator = createSoftAuthenticator({ origin: ORIGIN, ...options });
    const opts = await app.call('POST', '/passkeys/register/options', { username: uniqueName() });
    const res = await app.call(
      'POST',
      '/passkeys/register/verify',
      {
        ceremonyId: opts.json.ceremonyId,
        response: await authenticator.createCredential(opts.json.options),
        ...(options.name && { name: options.name }),
      },
      {
        headers: {
          'user-agent':
            options.userAgent ?? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
        },
      },
    );
    expect(res.status).toBe(200);
    const devices = await app.call('GET', '/me/devices', undefined, { token: res.json.token });
    return devices.json.devices[0];
  }

  describe('device lists', () => {
    it('name a passkey after its authenticator model (from the AAGUID) and say it is synced', async () => {
      const device = await register({ aaguid: GOOGLE_PASSWORD_MANAGER });
      expect(device.name).toBe('Google Password Manager');
      expect(device.passkey).toMatchObject({
        aaguid: GOOGLE_PASSWORD_MANAGER,
        authenticator: { name: 'Google Password Manager' },
        credentialDeviceType: 'multiDevice',
        backupEligible: true,
        backedUp: true,
      });
    });

    it('say "this device only" for a credential that cannot be backed up; the User-Agent names an unknown model', async () => {
      const device = await register({ backupEligible: false });
      expect(device.name).toBe('Safari on macOS');
      expect(device.passkey).toMatchObject({ credentialDeviceType: 'singleDevice', backupEligible: false, backedUp: false });
      expect(device.passkey.authenticator).toBeUndefined();
    });

    it('keep a name the user chose over the model name', async () => {
      const device = await register({ aaguid: GOOGLE_PASSWORD_MANAGER, name: 'Work phone' });
      expect(device.name).toBe('Work phone');
      expect(device.passkey.authenticator).toEqual({ name: 'Google Password Manager' });
    });
  });

  describe('hints', () => {
    it('go into registration and authentication options as the caller ordered them', async () => {
      const reg = await app.call('POST', '/passkeys/register/options', { username: uniqueName(), hints: ['security-key', 'hybrid'] });
      expect(reg.status).toBe(200);
      expect(reg.json.options.hints).toEqual(['security-key', 'hybrid']);
      const auth = await app.call('POST', '/passkeys/authenticate/options', { hints: ['client-device'] });
      expect(auth.status).toBe(200);
      expect(auth.json.options.hints).toEqual(['client-device']);

      const user = await signUp(app);
      const add = await app.call('POST', '/passkeys/register/options', { hints: ['hybrid'] }, { token: user.token });
      expect(add.json.options.hints).toEqual(['hybrid']);
    });

    it('are absent unless asked for, and the ceremony still completes with them', async () => {
      const plain = await app.call('POST', '/passkeys/authenticate/options', {});
      expect(plain.json.options.hints ?? []).toEqual([]);
      const user = await signUp(app);
      const opts = await app.call('POST', '/passkeys/authenticate/options', { username: user.username, hints: ['security-key'] });
      const res = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: opts.json.ceremonyId,
        response: await user.authenticator.getAssertion(opts.json.options),
      });
      expect(res.status).toBe(200);
    });

    it('refuse unknown, repeated or too many hints with INVALID_REQUEST', async () => {
      for (const hints of [['platform'], ['hybrid', 'hybrid'], ['hybrid', 'security-key', 'client-device', 'hybrid'], 'hybrid']) {
        const res = await app.call('POST', '/passkeys/authenticate/options', { hints });
        expect(res.status).toBe(400);
        expect(res.json.code).toBe('INVALID_REQUEST');
      }
      const reg = await app.call('POST', '/passkeys/register/options', { username: uniqueName(), hints: ['usb'] });
      expect(reg.json.code).toBe('INVALID_REQUEST');
    });
  });

  describe('related origins', () => {
    let related: ReturnType<typeof createTestApp>;
    beforeAll(() => {
      related = createTestApp(app.store, { rp: { id: 'localhost', name: 'Test', origins: [ORIGIN], relatedOrigins: [RELATED] } });
    });

    it('serve /.well-known/webauthn from configuration, at the root and under the API', async () => {
      for (const url of ['http://localhost/.well-known/webauthn', 'http://localhost/api/v1/.well-known/webauthn']) {
        const res = await related.twofold.handler(new Request(url));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toEqual({ origins: [RELATED] });
      }
    });

    it('answer 404 when none are configured', async () => {
      const res = await app.twofold.handler(new Request('http://localhost/.well-known/webauthn'));
      expect(res.status).toBe(404);
      expect((await res.json()).code).toBe('NOT_FOUND');
    });

    it('accept a registration and an assertion made on a related origin', async () => {
      const authenticator = createSoftAuthenticator({ origin: RELATED });
      const reg = await related.call('POST', '/passkeys/register/options', { username: uniqueName() });
      const created = await related.call('POST', '/passkeys/register/verify', {
        ceremonyId: reg.json.ceremonyId,
        response: await authenticator.createCredential(reg.json.options),
      });
      expect(created.status).toBe(200);
      const auth = await related.call('POST', '/passkeys/authenticate/options', {});
      const signedIn = await related.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: auth.json.ceremonyId,
        response: await authenticator.getAssertion(auth.json.options),
      });
      expect(signedIn.status).toBe(200);
      expect(signedIn.json.userId).toBe(created.json.userId);
    });

    it('refuse an assertion from an origin that is not listed, and from a related origin where none is configured', async () => {
      const user = await signUp(related);
      const auth = await related.call('POST', '/passkeys/authenticate/options', {});
      const res = await related.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: auth.json.ceremonyId,
        response: await user.authenticator.getAssertion(auth.json.options, { origin: 'https://phish.example' }),
      });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('AUTHENTICATION_FAILED');

      const plain = await app.call('POST', '/passkeys/authenticate/options', {});
      const refused = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: plain.json.ceremonyId,
        response: await user.authenticator.getAssertion(plain.json.options, { origin: RELATED }),
      });
      expect(refused.json.code).toBe('AUTHENTICATION_FAILED');
    });
  });
});

describe.each(backends)('accepted credentials for the Signal API on %s', (_name, open) => {
  const app = useTestApp(open);

  it('GET /me/passkeys lists the ids the server still accepts, the user handle and names; a removed passkey leaves the list', async () => {
    const user = await signUp(app);
    const second = createSoftAuthenticator({ origin: ORIGIN });
    const added = await addPasskey(app, user.token, { authenticator: second });
    expect(added.status).toBe(200);

    const before = await app.call('GET', '/me/passkeys', undefined, { token: user.token });
    expect(before.status).toBe(200);
    expect(before.json).toEqual({
      rpId: 'localhost',
      userId: user.userId,
      username: user.username.toLowerCase(),
      displayName: user.username.toLowerCase(),
      credentialIds: expect.arrayContaining([...user.authenticator.credentials.keys(), ...second.credentials.keys()]),
    });
    expect(before.json.credentialIds).toHaveLength(2);

    expect((await app.call('DELETE', `/me/devices/${added.json.deviceId}`, undefined, { token: user.token })).status).toBe(204);
    const after = await app.call('GET', '/me/passkeys', undefined, { token: user.token });
    expect(after.json.credentialIds).toEqual([...user.authenticator.credentials.keys()]);
  });

  it('needs a session', async () => {
    const res = await app.call('GET', '/me/passkeys');
    expect(res.status).toBe(401);
  });
});

describe.each(backends)('hosts with their own first factor on %s', (_name, open) => {
  const app = useTestApp(open);

  it('automatic upgrade: a passkey created without UP and UV is accepted for an upgrade ceremony only, with no session token, and signs in later', async () => {
    const { userId } = await app.twofold.users.create({ username: uniqueName('pw') });
    const { ceremonyId, options } = await app.twofold.passkeys.startUpgrade({ userId });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });
    const authenticator = createSoftAuthenticator({ origin: ORIGIN });
    const response = await authenticator.createCredential(options, { userPresent: false, userVerified: false });
    const upgraded = await app.twofold.passkeys.verifyUpgrade({ ceremonyId, response, userId });
    expect(upgraded).toEqual({ userId, deviceId: expect.any(String) });
    expect(app.events.filter((e) => e.userId === userId && e.type === 'passkey.added').map((e) => e.data.via)).toEqual(['upgrade']);

    // every later sign-in still needs UV (the soft authenticator always sets it on assertions)
    const auth = await app.call('POST', '/passkeys/authenticate/options', {});
    const signedIn = await app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: auth.json.ceremonyId,
      response: await authenticator.getAssertion(auth.json.options),
    });
    expect(signedIn.json.userId).toBe(userId);
  });

  it('the same UP/UV-less response is refused on an ordinary add-a-passkey ceremony', async () => {
    const user = await signUp(app);
    const opts = await app.call('POST', '/passkeys/register/options', {}, { token: user.token });
    const response = await createSoftAuthenticator({ origin: ORIGIN }).createCredential(opts.json.options, {
      userPresent: false,
      userVerified: false,
    });
    const res = await app.call('POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response }, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('REGISTRATION_FAILED');
  });

  it('an upgrade ceremony cannot be finished over HTTP, nor for another user', async () => {
    const user = await signUp(app);
    const other = await app.twofold.users.create({ username: uniqueName('other') });
    const viaHttp = await app.twofold.passkeys.startUpgrade({ userId: user.userId });
    const res = await app.call(
      'POST',
      '/passkeys/register/verify',
      { ceremonyId: viaHttp.ceremonyId, response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(viaHttp.options) },
      { token: user.token },
    );
    expect(res.json.code).toBe('CEREMONY_MISMATCH');

    const forOther = await app.twofold.passkeys.startUpgrade({ userId: user.userId });
    await expect(
      app.twofold.passkeys.verifyUpgrade({
        ceremonyId: forOther.ceremonyId,
        response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(forOther.options),
        userId: other.userId,
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // an ordinary ceremony is not an upgrade
    const ordinary = await app.call('POST', '/passkeys/register/options', {}, { token: user.token });
    await expect(
      app.twofold.passkeys.verifyUpgrade({
        ceremonyId: ordinary.json.ceremonyId,
        response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(ordinary.json.options),
        userId: user.userId,
      }),
    ).rejects.toMatchObject({ code: 'CEREMONY_MISMATCH' });
  });

  it("second factor: startAuthentication({ userId }) allows only that user's passkeys", async () => {
    const alice = await signUp(app);
    const mallory = await signUp(app);
    const { ceremonyId, options } = await app.twofold.passkeys.startAuthentication({ userId: alice.userId });
    expect(options.allowCredentials!.map((c) => c.id)).toEqual([...alice.authenticator.credentials.keys()]);
    // Mallory's own passkey, offered for Alice's second factor, is refused
    const wrong = await mallory.authenticator.getAssertion(options, { credentialId: [...mallory.authenticator.credentials.keys()][0] });
    await expect(app.twofold.passkeys.verifyAuthentication({ ceremonyId, response: wrong })).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });

    const again = await app.twofold.passkeys.startAuthentication({ userId: alice.userId, hints: ['client-device'] });
    const ok = await app.twofold.passkeys.verifyAuthentication({
      ceremonyId: again.ceremonyId,
      response: await alice.authenticator.getAssertion(again.options),
    });
    expect(ok.userId).toBe(alice.userId);
    await expect(app.twofold.passkeys.startAuthentication({ userId: 'nobody' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    // a browser cannot ask for it: over HTTP a userId is not a field
    const overHttp = await app.call('POST', '/passkeys/authenticate/options', { userId: alice.userId });
    expect(overHttp.json.options.allowCredentials ?? []).toEqual([]);
  });
});
