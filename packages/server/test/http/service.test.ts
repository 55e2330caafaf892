import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, uniqueName, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

const app = useTestApp(openPGlite);
let admin: string;
beforeAll(async () => {
  admin = (
    await app.twofold.apiKeys.create({ name: 'admin', scopes: ['users.create', 'users.retrieve', 'devices.read', 'devices.delete'] })
  ).secret;
});

describe('service API (API keys with scopes)', () => {
  it('creates and retrieves users; a taken username is a 409', async () => {
    const username = uniqueName('Grace');
    const created = await app.call('POST', '/users', { username, displayName: 'Grace Hopper' }, { token: admin });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ userId: expect.any(String), username: username.toLowerCase(), displayName: 'Grace Hopper' });
    const again = await app.call('POST', '/users', { username }, { token: admin });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('USERNAME_TAKEN');
    const found = await app.call('POST', '/users/retrieve', { username }, { token: admin });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ userId: created.json.userId, createdAt: expect.any(String) });
    const missing = await app.call('POST', '/users/retrieve', { username: uniqueName('nobody') }, { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('USER_NOT_FOUND');
  });

  it('enforces scopes', async () => {
    const { secret } = await app.twofold.apiKeys.create({ name: 'reader', scopes: ['devices.read'] });
    const res = await app.call('POST', '/users', { username: uniqueName() }, { token: secret });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'INSUFFICIENT_SCOPE', requiredScope: 'users.create' });
    // a session token is not an API key
    const user = await signUp(app);
    const asUser = await app.call('GET', `/users/${user.userId}/devices`, undefined, { token: user.token });
    expect(asUser.status).toBe(401);
  });

  it('stores only a hash of API key secrets', async () => {
    const { secret, apiKey } = await app.twofold.apiKeys.create({ name: 'hashed', scopes: ['devices.read'] });
    const record = await app.store.getApiKeyBySecretHash(
      Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))).toString('base64url'),
    );
    expect(record?.id).toBe(apiKey.id);
    expect(JSON.stringify(record)).not.toContain(secret);
  });

  it('lists and deletes a user’s devices; events tell the host', async () => {
    const user = await signUp(app);
    const list = await app.call('GET', `/users/${user.userId}/devices`, undefined, { token: admin });
    expect(list.status).toBe(200);
    expect(list.json.devices).toEqual([expect.objectContaining({ id: user.deviceId, type: 'passkey', createdAt: expect.any(String) })]);
    const del = await app.call('DELETE', `/users/${user.userId}/devices/${user.deviceId}`, undefined, { token: admin });
    expect(del.status).toBe(204);
    const again = await app.call('DELETE', `/users/${user.userId}/devices/${user.deviceId}`, undefined, { token: admin });
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('DEVICE_NOT_FOUND');
    const removed = app.events.find((e) => e.type === 'device.removed' && e.deviceId === user.deviceId);
    expect(removed?.actor).toMatch(/^service:/);
    const unknownUser = await app.call('GET', `/users/nope/devices`, undefined, { token: admin });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.json.code).toBe('USER_NOT_FOUND');
  });
});

describe('devices of the signed-in user', () => {
  it('renames and deletes only the user’s own devices', async () => {
    const alice = await signUp(app);
    const bob = await signUp(app);
    const renamed = await app.call('PATCH', `/me/devices/${alice.deviceId}`, { name: 'Work laptop' }, { token: alice.token });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: alice.deviceId, name: 'Work laptop' });
    const empty = await app.call('PATCH', `/me/devices/${alice.deviceId}`, { name: '' }, { token: alice.token });
    expect(empty.status).toBe(400);
    const steal = await app.call('PATCH', `/me/devices/${alice.deviceId}`, { name: 'mine' }, { token: bob.token });
    expect(steal.status).toBe(404);
    expect(steal.json.code).toBe('DEVICE_NOT_FOUND');
    const del = await app.call('DELETE', `/me/devices/${alice.deviceId}`, undefined, { token: bob.token });
    expect(del.status).toBe(404);
    const events = await app.call('GET', '/me/events', undefined, { token: alice.token });
    expect(events.json.events.map((e: { type: string }) => e.type)).toEqual(['device.renamed', 'passkey.added', 'user.created']);
  });
});

describe('onEvent', () => {
  it('a failing hook never fails the request', async () => {
    const errors: unknown[] = [];
    const noisy = createTestApp(app.store, {
      onEvent: () => {
        throw new Error('mail server down');
      },
      onError: (e) => void errors.push(e),
    });
    const user = await signUp(noisy);
    expect(user.token).toBeTruthy();
    expect(errors.length).toBeGreaterThan(0);
  });
});
