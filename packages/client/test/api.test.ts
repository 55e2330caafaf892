import { createTwofold } from '@twofold/server';
import { clientAddress, serve } from '@twofold/server/node';
import { createPGliteStore } from '@twofold/server/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/api/api.js';
import { createTwofoldClient } from '../src/client.js';
import { TwofoldClientError, isTwofoldClientError } from '../src/errors.js';
import { toClientError } from '../src/passkeys/passkeys.js';
import { readCodeFromUrl } from '../src/recovery/codes.js';
import { bindDeviceKey, memoryDeviceKeys } from '../src/devicekeys.js';
import { createSoftAuthenticator } from '@twofold/testing';

// The client against a real Twofold server on a real socket (Node adapter), not a fake fetch.
let server: Awaited<ReturnType<typeof serve>>;
let store: Awaited<ReturnType<typeof createPGliteStore>>;
let baseUrl: string;
let twofold: ReturnType<typeof createTwofold>;
beforeAll(async () => {
  store = await createPGliteStore();
  twofold = createTwofold({
    store,
    rp: { id: 'localhost', origins: ['http://localhost:5173'] },
    openRegistration: true,
    http: { clientAddress },
  });
  server = await serve({ handler: twofold.handler, port: 0, hostname: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${server.port}/api/v1`;
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('API client', () => {
  it('turns problem responses into TwofoldClientError with the server code, status and body', async () => {
    const api = createApiClient({ baseUrl });
    const error: any = await api.request('POST', '/passkeys/register/options', { body: { username: 'a b' } }).catch((e: any) => e);
    expect(error).toBeInstanceOf(TwofoldClientError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
    expect(error.problem.issues[0].path).toBe('username');
    expect(isTwofoldClientError(error, 'INVALID_REQUEST')).toBe(true);
    expect(isTwofoldClientError(error, 'USERNAME_TAKEN')).toBe(false);
  });

  it('returns JSON on success', async () => {
    const api = createApiClient({ baseUrl });
    const res = await api.request<{ ceremonyId: string; options: { challenge: string } }>('POST', '/passkeys/authenticate/options', {
      body: {},
    });
    expect(res.ceremonyId).toEqual(expect.any(String));
    expect(res.options.challenge).toEqual(expect.any(String));
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:1/api/v1' });
    await expect(api.request('GET', '/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('reports an aborted request as ABORTED', async () => {
    const api = createApiClient({ baseUrl });
    const controller = new AbortController();
    controller.abort();
    await expect(api.request('POST', '/passkeys/authenticate/options', { body: {}, signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('says UNAUTHENTICATED before calling the server when there is no session', async () => {
    const client = createTwofoldClient({ baseUrl, storage: null });
    expect(client.session).toBeNull();
    await expect(client.devices.list()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('drops a session the server rejects', async () => {
    const storage = new Map<string, string>();
    const memory = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    memory.setItem('twofold.session', JSON.stringify({ userId: 'u', deviceId: 'd', token: 'not-a-jwt' }));
    const changes: unknown[] = [];
    const client = createTwofoldClient({ baseUrl, storage: memory, onSessionChange: (s) => changes.push(s) });
    expect(client.session?.userId).toBe('u');
    await expect(client.getMe()).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(client.session).toBeNull();
    expect(storage.has('twofold.session')).toBe(false);
    expect(changes).toEqual([null]);
  });
});

describe('sign out everywhere', () => {
  it('keeps this session when the server cannot end them (so the user can retry), forgets it once it did', async () => {
    const api = createApiClient({ baseUrl });
    const authenticator = createSoftAuthenticator({ origin: 'http://localhost:5173' });
    const opts = await api.request<{ ceremonyId: string; options: any }>('POST', '/passkeys/register/options', {
      body: { username: `all${Date.now().toString(36)}` },
    });
    const signedUp = await api.request<{ userId: string; deviceId: string; token: string }>('POST', '/passkeys/register/verify', {
      body: { ceremonyId: opts.ceremonyId, response: await authenticator.createCredential(opts.options) },
    });
    const m = new Map<string, string>([['twofold.session', JSON.stringify(signedUp)]]);
    const storage = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
    const offline = createTwofoldClient({ baseUrl: 'http://127.0.0.1:1/api/v1', storage });
    await expect(offline.signOutEverywhere()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(offline.session?.token).toBe(signedUp.token); // before: forgotten, with every session still live
    expect(m.has('twofold.session')).toBe(true);

    const online = createTwofoldClient({ baseUrl, storage });
    expect(await online.signOutEverywhere()).toEqual({ revoked: 1 });
    expect(online.session).toBeNull();
    await expect(api.request('GET', '/me', { token: signedUp.token })).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});

describe('toClientError', () => {
  const dom = (name: string) => new DOMException('browser said no', name);
  it.each([
    ['NotAllowedError', 'CANCELLED'],
    ['AbortError', 'ABORTED'],
    ['InvalidStateError', 'AUTHENTICATOR_ALREADY_REGISTERED'],
    ['SecurityError', 'INVALID_DOMAIN'],
    ['NotSupportedError', 'NOT_SUPPORTED'],
    ['UnknownError', 'AUTHENTICATOR_ERROR'],
  ])('maps %s to %s', (name, code) => {
    const mapped = toClientError(dom(name));
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBeInstanceOf(DOMException);
  });
  it('maps @simplewebauthn/browser codes', () => {
    expect(toClientError(Object.assign(new Error('x'), { code: 'ERROR_CEREMONY_ABORTED', name: 'AbortError' })).code).toBe('ABORTED');
    expect(toClientError(Object.assign(new Error('x'), { code: 'ERROR_INVALID_DOMAIN', name: 'SecurityError' })).code).toBe(
      'INVALID_DOMAIN',
    );
  });
});

describe('readCodeFromUrl', () => {
  it('reads user and code from the query or from a query in the hash', () => {
    expect(readCodeFromUrl({ url: 'https://bank.example/recover?user=u1&code=abc' })).toEqual({ userId: 'u1', code: 'abc', type: 'link' });
    expect(readCodeFromUrl({ url: 'http://localhost:8080/#/recover?user=u%2B1&code=x-y_z' })).toEqual({
      userId: 'u+1',
      code: 'x-y_z',
      type: 'link',
    });
    expect(readCodeFromUrl({ url: 'https://bank.example/r?u=1&c=2', userParam: 'u', codeParam: 'c' })).toEqual({
      userId: '1',
      code: '2',
      type: 'link',
    });
    expect(readCodeFromUrl({ url: 'https://bank.example/recover?user=u1' })).toBeNull();
  });
});

describe('recovery flows in the client', () => {
  /** A Storage over a Map (Node has no localStorage); shared by two clients = one browser. */
  const memoryStorage = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
  };

  it('keeps the open flow handle so a reloaded page resumes at the recorded step; abandoning forgets it', async () => {
    // A user who signed up with a passkey in this "browser", which bound its device key.
    const api = createApiClient({ baseUrl });
    const authenticator = createSoftAuthenticator({ origin: 'http://localhost:5173' });
    const opts = await api.request<{ ceremonyId: string; options: any }>('POST', '/passkeys/register/options', {
      body: { username: `reset${Date.now().toString(36)}` },
    });
    const { userId, token } = await api.request<{ userId: string; token: string }>('POST', '/passkeys/register/verify', {
      body: { ceremonyId: opts.ceremonyId, response: await authenticator.createCredential(opts.options) },
    });
    const deviceKeys = memoryDeviceKeys();
    await bindDeviceKey({ api, token, userId, keys: deviceKeys });
    const recoveryStorage = memoryStorage();
    // Elsewhere (no key for this user): a reset cannot start.
    const stranger = createTwofoldClient({ baseUrl, storage: null, recoveryStorage: null, deviceKeys: memoryDeviceKeys() });
    expect(
      isTwofoldClientError(
        await stranger.recovery.start({ kind: 'credential_reset', userId }).catch((e: unknown) => e),
        'DEVICE_PROOF_REQUIRED',
      ),
    ).toBe(true);
    const before = createTwofoldClient({ baseUrl, storage: null, recoveryStorage, deviceKeys });
    const started = await before.recovery.start({ kind: 'credential_reset', userId });
    expect(started).toMatchObject({ kind: 'credential_reset', status: 'open', step: 'pin', faceEnrolled: false });
    expect(before.recovery.saved).toEqual({ flowId: started.flowId, userId, kind: 'credential_reset' });
    await before.recovery.choosePin({ pin: '7391' });

    const after = createTwofoldClient({ baseUrl, storage: null, recoveryStorage }); // the page reloaded
    expect(after.recovery.saved?.flowId).toBe(started.flowId);
    expect(await after.recovery.get()).toMatchObject({
      step: 'face',
      steps: [
        { name: 'pin', done: true },
        { name: 'face', done: false },
        { name: 'passkey', done: false },
      ],
    });
    await after.recovery.abandon();
    expect(after.recovery.saved).toBeNull();
    expect(recoveryStorage.getItem('twofold.recovery')).toBeNull();
    expect(await after.recovery.get()).toBeNull();
    const error = await after.recovery.choosePin({ pin: '7391' }).catch((e: unknown) => e);
    expect(isTwofoldClientError(error, 'RECOVERY_NOT_FOUND')).toBe(true);
    // the server kept the record: the flow is abandoned, not lost
    expect((await createApiClient({ baseUrl }).request<{ status: string }>('GET', `/recovery/${started.flowId}`)).status).toBe('abandoned');
  });

  it('forgets a saved handle the server does not know, and passes server errors through', async () => {
    const recoveryStorage = memoryStorage();
    recoveryStorage.setItem('twofold.recovery', JSON.stringify({ flowId: 'gone', userId: 'u', kind: 'new_device' }));
    const client = createTwofoldClient({ baseUrl, storage: null, recoveryStorage });
    const error = await client.recovery.get().catch((e: unknown) => e);
    expect(isTwofoldClientError(error, 'RECOVERY_NOT_FOUND')).toBe(true);
    expect(client.recovery.saved).toBeNull();
    const bad = await client.recovery
      .start({ kind: 'new_device', userId: 'nobody', code: '12345678', type: 'short' })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'CODE_INVALID', status: 401 });
  });
});
