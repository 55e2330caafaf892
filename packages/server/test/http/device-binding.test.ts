import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { storeBackends } from '../helpers/backends.js';
import { bindDevice, signUp, useTestApp } from '../helpers/app.js';

// Issue 13 items 2 and 3: with only a user id anyone could spend the PIN's 3 attempts and lock
// it, and start a credential reset that trusted the face alone. Now the PIN (sign-in and
// PIN-confirmed transactions) and credential-reset starts need a signature by one of the user's
// device keys — bound when the browser signed in with a passkey — over a fresh server challenge,
// checked before anything is counted.
describe.each(await storeBackends())('device binding on %s', (_name, open) => {
  const secretKeys = parseKeyring(generateSealingKey('k1'));
  const app = useTestApp(open, { secretKeys });
  let service: string;
  beforeAll(async () => {
    service = (await app.twofold.apiKeys.create({ name: 'svc', scopes: ['transactions.create'] })).secret;
  });

  async function customer() {
    const user = await signUp(app);
    const key = await bindDevice(app, user.token);
    expect((await app.call('PUT', '/me/pin', { pin: '2580' }, { token: user.token })).status).toBe(204);
    return { ...user, key };
  }
  const pinVerify = (userId: string, pin: string, deviceProof?: unknown) =>
    app.call('POST', '/pin/verify', { userId, pin, ...(deviceProof !== undefined && { deviceProof }) });

  it('a stranger with only a user id cannot spend (or lock) the PIN: refused before anything is counted', async () => {
    const user = await customer();
    const stranger = await customer(); // a real account of their own, with a bound key
    for (let i = 0; i < 5; i++) {
      const bare = await pinVerify(user.userId, `111${i}`);
      expect(bare.status).toBe(401);
      expect(bare.json.code).toBe('DEVICE_PROOF_REQUIRED');
      // Their own key, a proof made for their own account, or a forged signature: all refused alike.
      const mine = await pinVerify(user.userId, `111${i}`, await stranger.key.proof(user.userId, 'pin'));
      expect(mine.json.code).toBe('DEVICE_PROOF_INVALID');
      const replayed = await stranger.key.proof(stranger.userId, 'pin');
      expect((await pinVerify(user.userId, `111${i}`, replayed)).json.code).toBe('DEVICE_PROOF_INVALID');
      const forged = { ...(await user.key.proof(user.userId, 'pin')), signature: 'A'.repeat(86) };
      expect((await pinVerify(user.userId, `111${i}`, forged)).json.code).toBe('DEVICE_PROOF_INVALID');
    }
    expect(await app.store.getPin(user.userId)).toMatchObject({ failedAttempts: 0, lockedAt: null });
    expect(app.events.some((e) => e.userId === user.userId && e.type.startsWith('pin.wrong'))).toBe(false);

    const ok = await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'));
    expect(ok.status).toBe(200);
    expect((await app.twofold.tokens.verify({ token: ok.json.token })).amr).toEqual(['pin']);
  });

  it('a proof is single-use, for one user and one purpose; unknown and known ids are answered alike', async () => {
    const user = await customer();
    const proof = await user.key.proof(user.userId, 'pin');
    expect((await pinVerify(user.userId, '2580', proof)).status).toBe(200);
    expect((await pinVerify(user.userId, '2580', proof)).json.code).toBe('DEVICE_PROOF_INVALID'); // used
    const forRecovery = await user.key.proof(user.userId, 'recovery');
    expect((await pinVerify(user.userId, '2580', forRecovery)).json.code).toBe('DEVICE_PROOF_INVALID');
    const late = await user.key.proof(user.userId, 'pin');
    app.clock.advance(121);
    expect((await pinVerify(user.userId, '2580', late)).json.code).toBe('DEVICE_PROOF_INVALID');

    const unknownChallenge = await app.call('POST', '/device-keys/challenge', { userId: 'no-such-user', purpose: 'pin' });
    const knownChallenge = await app.call('POST', '/device-keys/challenge', { userId: user.userId, purpose: 'pin' });
    expect(Object.keys(unknownChallenge.json).sort()).toEqual(Object.keys(knownChallenge.json).sort());
    const unknown = await pinVerify('no-such-user', '2580', {
      keyId: user.key.keyId,
      challengeId: unknownChallenge.json.challengeId,
      signature: 'A'.repeat(86),
    });
    const known = await pinVerify(user.userId, '2580', {
      keyId: user.key.keyId,
      challengeId: knownChallenge.json.challengeId,
      signature: 'A'.repeat(86),
    });
    expect([unknown.status, unknown.json.code, unknown.json.detail]).toEqual([known.status, known.json.code, known.json.detail]);
    expect(
      (
        await app.call('POST', '/pin/verify', {
          userId: user.userId,
          pin: '2580',
          deviceProof: { keyId: 'short', challengeId: 'x', signature: 'x' },
        })
      ).json.code,
    ).toBe('INVALID_REQUEST');
  });

  it('binding a key needs a passkey sign-in on that device from the last 5 minutes', async () => {
    const user = await customer();
    const pinSession = (await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).json.token as string;
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey);
    expect((await app.call('POST', '/me/device-keys', { publicKey }, { token: pinSession })).json.code).toBe('REAUTHENTICATION_REQUIRED');
    const fresh = await signUp(app);
    app.clock.advance(301);
    expect((await app.call('POST', '/me/device-keys', { publicKey }, { token: fresh.token })).json.code).toBe('REAUTHENTICATION_REQUIRED');
    const newer = await signUp(app);
    expect(
      (await app.call('POST', '/me/device-keys', { publicKey: { ...publicKey, x: 'A'.repeat(43) } }, { token: newer.token })).json.code,
    ).toBe('INVALID_REQUEST');
    const bound = await app.call('POST', '/me/device-keys', { publicKey }, { token: newer.token });
    expect(bound.status).toBe(201);
    expect(bound.json).toEqual({ keyId: expect.stringMatching(/^[\w-]{43}$/), deviceId: newer.deviceId });
    // The same public key cannot be bound to another account.
    const other = await signUp(app);
    expect((await app.call('POST', '/me/device-keys', { publicKey }, { token: other.token })).json.code).toBe('INVALID_REQUEST');
    expect(app.events.some((e) => e.type === 'device_key.registered' && e.userId === newer.userId)).toBe(true);
  });

  it('removing the device removes its keys and ends the PIN sessions they made', async () => {
    const user = await customer();
    const pinSession = (await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).json.token as string;
    const support = (await app.twofold.apiKeys.create({ name: 'devices', scopes: ['devices.delete'] })).secret;
    expect((await app.call('DELETE', `/users/${user.userId}/devices/${user.deviceId}`, undefined, { token: support })).status).toBe(204);
    expect(await app.store.getDeviceKey(user.key.keyId)).toBeNull();
    expect((await app.call('GET', '/me', undefined, { token: pinSession })).json.code).toBe('INVALID_TOKEN');
    expect((await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).json.code).toBe('DEVICE_PROOF_INVALID');
  });

  it('a device keeps its 10 most recently bound or used keys: binding more drops the least recent one', async () => {
    const user = await customer(); // key 1, bound now
    const keys = [user.key];
    for (let i = 2; i <= 10; i++) {
      app.clock.advance(1);
      keys.push(await bindDevice(app, user.token));
    }
    app.clock.advance(1);
    expect((await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).status).toBe(200); // key 1 used last
    app.clock.advance(1);
    keys.push(await bindDevice(app, user.token)); // the 11th: key 2 (bound earliest, never used) goes
    expect(await app.store.getDeviceKey(keys[1]!.keyId)).toBeNull();
    for (const kept of [keys[0]!, ...keys.slice(2)]) expect(await app.store.getDeviceKey(kept.keyId)).not.toBeNull();
    expect((await pinVerify(user.userId, '2580', await keys[1]!.proof(user.userId, 'pin'))).json.code).toBe('DEVICE_PROOF_INVALID');
    const bound = app.events.filter((e) => e.type === 'device_key.registered' && e.userId === user.userId);
    expect(bound.map((e) => (e.data as { dropped?: number }).dropped)).toEqual([...Array(10).fill(undefined), 1]);

    // Key 3's browser signs in with its passkey again and binds the same key: that counts as use,
    // so the next new key drops key 4, not key 3.
    app.clock.advance(1);
    expect((await app.call('POST', '/me/device-keys', { publicKey: keys[2]!.publicKey }, { token: user.token })).status).toBe(201);
    app.clock.advance(1);
    await bindDevice(app, user.token);
    expect(await app.store.getDeviceKey(keys[2]!.keyId)).not.toBeNull();
    expect(await app.store.getDeviceKey(keys[3]!.keyId)).toBeNull();
  });

  it('binding is limited per user, and only a session allowed to bind counts', async () => {
    const user = await customer();
    const pinSession = (await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).json.token as string;
    const { publicKey } = await bindDevice(app, user.token);
    for (let i = 0; i < 12; i++) {
      expect((await app.call('POST', '/me/device-keys', { publicKey }, { token: pinSession })).json.code).toBe('REAUTHENTICATION_REQUIRED');
    }
    for (let i = 2; i < 20; i++) await bindDevice(app, user.token); // the owner's 20 binds of the minute are all there
    await expect(bindDevice(app, user.token)).rejects.toThrow(/RATE_LIMITED/);
  });

  it('a credential reset starts only on a bound device (possession), before its face check (inherence)', async () => {
    const user = await customer();
    const stranger = await customer();
    const bare = await app.call('POST', '/recovery', { kind: 'credential_reset', userId: user.userId });
    expect(bare.status).toBe(401);
    expect(bare.json.code).toBe('DEVICE_PROOF_REQUIRED');
    const wrongKey = await app.call('POST', '/recovery', {
      kind: 'credential_reset',
      userId: user.userId,
      deviceProof: await stranger.key.proof(user.userId, 'recovery'),
    });
    expect(wrongKey.json.code).toBe('DEVICE_PROOF_INVALID');
    expect(app.events.some((e) => e.type === 'recovery.started' && e.userId === user.userId)).toBe(false);
    const started = await app.call('POST', '/recovery', {
      kind: 'credential_reset',
      userId: user.userId,
      deviceProof: await user.key.proof(user.userId, 'recovery'),
    });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ kind: 'credential_reset', step: 'pin' });
  });

  it('a PIN-confirmed transaction needs the device proof too', async () => {
    const user = await customer();
    const pinSession = (await pinVerify(user.userId, '2580', await user.key.proof(user.userId, 'pin'))).json.token as string;
    const tx = await app.call(
      'POST',
      '/transactions',
      { userId: user.userId, message: 'Pay 10 €', context: { a: 1 }, allowPin: true },
      { token: service },
    );
    const bare = await app.call('POST', `/transactions/${tx.json.transactionId}/confirm`, { pin: '1111' }, { token: pinSession });
    expect(bare.json.code).toBe('DEVICE_PROOF_REQUIRED');
    expect(await app.store.getPin(user.userId)).toMatchObject({ failedAttempts: 0 });
    const ok = await app.call(
      'POST',
      `/transactions/${tx.json.transactionId}/confirm`,
      { pin: '2580', deviceProof: await user.key.proof(user.userId, 'transaction') },
      { token: pinSession },
    );
    expect(ok.json).toEqual({ status: 'approved', context: { a: 1 } });
  });
});
