import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { signUp, uniqueName, useTestApp } from '../helpers/app.js';
import { openPGlite } from '../helpers/backends.js';

// Issue 13 item 11: a NUL or a lone surrogate reached the database (500, or a silent U+FFFD), and
// a deeply nested `context` overflowed the stack. Each is refused at the schema with a 400.

const app = useTestApp(openPGlite, { secretKeys: parseKeyring(generateSealingKey('k1')) });
let service: string;
beforeAll(async () => {
  service = (
    await app.twofold.apiKeys.create({
      name: 'svc',
      scopes: [
        'users.create',
        'users.retrieve',
        'transactions.create',
        'transactions.read',
        'devices.read',
        'devices.delete',
        'codes.generate',
        'client_state.read',
      ],
    })
  ).secret;
});

const deep = (levels: number) => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

function expectInvalid(res: { status: number; headers: Headers; json: any }) {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json.code).toBe('INVALID_REQUEST');
}

describe('text that the database cannot store as sent is refused with 400', () => {
  it('a NUL in an id path parameter (%00)', async () => {
    const user = await signUp(app);
    for (const [method, path, token] of [
      ['GET', '/recovery/a%00b', undefined],
      ['DELETE', '/recovery/a%00b', undefined],
      ['GET', '/users/a%00b/devices', service],
      ['GET', '/transactions/a%00b', service],
      ['DELETE', '/me/devices/a%00b', user.token],
      ['PATCH', '/me/devices/a%00b', user.token],
    ] as const) {
      const res = await app.call(method, path, method === 'PATCH' ? { name: 'x' } : undefined, token ? { token } : {});
      expectInvalid(res);
    }
  });

  it('a path parameter that is not well-formed UTF-8 once decoded (%ED%A0%80)', async () => {
    expectInvalid(await app.call('GET', '/users/a%ED%A0%80b/devices', undefined, { token: service }));
  });

  it('a NUL in string fields', async () => {
    const user = await signUp(app);
    expectInvalid(await app.call('POST', '/pin/verify', { userId: 'a\u0000b', pin: '1234' }));
    expectInvalid(
      await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: 'a\u0000',
        response: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' } },
      }),
    );
    expectInvalid(await app.call('POST', '/users', { username: uniqueName(), displayName: 'a\u0000b' }, { token: service }));
    expectInvalid(
      await app.call('POST', '/transactions', { userId: user.userId, message: 'pay\u0000', context: null }, { token: service }),
    );
    expectInvalid(await app.call('POST', '/recovery/x/passkey/options', { replaceDeviceId: 'd\u0000' }));
  });

  it('a lone surrogate in string fields, and POST /users no longer stores U+FFFD for it', async () => {
    const user = await signUp(app);
    const username = uniqueName();
    expectInvalid(await app.call('POST', '/users', { username, displayName: 'a\ud800b' }, { token: service }));
    expect(await app.store.getUserByUsername(username)).toBeNull();
    const device = (await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices[0].deviceId;
    expectInvalid(await app.call('PATCH', `/me/devices/${device}`, { name: 'x\udfffy' }, { token: user.token }));
    expectInvalid(
      await app.call('POST', '/transactions', { userId: user.userId, message: 'ok', context: { note: 'a\ud800' } }, { token: service }),
    );
    expectInvalid(
      await app.call('POST', '/transactions', { userId: user.userId, message: 'ok', context: { 'k\u0000': 1 } }, { token: service }),
    );
  });

  it('well-formed text outside the BMP is accepted as sent', async () => {
    const username = uniqueName();
    const res = await app.call('POST', '/users', { username, displayName: 'Ada 😀 Łovelace' }, { token: service });
    expect(res.status).toBe(201);
    expect((await app.store.getUserByUsername(username))?.displayName).toBe('Ada 😀 Łovelace');
  });

  it('a context nested 5,000 levels deep is refused before anything serialises it; 16 levels are fine', async () => {
    const user = await signUp(app);
    // JSON.stringify itself overflows on a body this deep, so it is sent as raw text.
    const raw = `{"userId":"${user.userId}","message":"ok","context":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const res = await app.call('POST', '/transactions', undefined, {
      token: service,
      raw,
      headers: { 'content-type': 'application/json' },
    });
    expectInvalid(res);
    expect(res.json.detail).toMatch(/deep/);
    expect(
      (await app.call('POST', '/transactions', { userId: user.userId, message: 'ok', context: deep(16) }, { token: service })).status,
    ).toBe(201);
  });
});

describe('the same rule holds for direct calls', () => {
  it('users.create refuses a lone surrogate instead of storing U+FFFD', async () => {
    const username = uniqueName();
    await expect(app.twofold.users.create({ username, displayName: 'a\ud800b' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await app.store.getUserByUsername(username)).toBeNull();
  });
});
