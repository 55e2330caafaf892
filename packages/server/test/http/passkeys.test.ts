import { createSoftAuthenticator } from '@twofold/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import type { TwofoldOptions } from '../../src/twofold.js';
import { addPasskey, createTestApp, ORIGIN, passkeyAssertion, signUp, type TestApp, uniqueName, useTestApp } from '../helpers/app.js';
import { storeBackends } from '../helpers/backends.js';

const backends = await storeBackends();

describe.each(backends)('passkeys over HTTP on %s', (_name, open) => {
  const app = useTestApp(open);
  /** Another app over this suite's store (the same database, other options). */
  const appWith = (overrides: Partial<TwofoldOptions>) => createTestApp(app.store, overrides);

  describe('passkey sign-up', () => {
    it('creates the user, device and passkey and returns a verifiable ES256 session token', async () => {
      const username = uniqueName('Ada');
      const opts = await app.call('POST', '/passkeys/register/options', { username, displayName: 'Ada Lovelace' });
      expect(opts.status).toBe(200);
      expect(opts.json.options.rp.id).toBe('localhost');
      expect(opts.json.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
      // Nothing is written before the ceremony completes.
      expect(await app.store.getUserByUsername(username.toLowerCase())).toBeNull();

      const authenticator = createSoftAuthenticator({ origin: ORIGIN, aaguid: '01020304-0506-0708-090a-0b0c0d0e0f10' });
      const response = await authenticator.createCredential(opts.json.options);
      const res = await app.call(
        'POST',
        '/passkeys/register/verify',
        { ceremonyId: opts.json.ceremonyId, response },
        { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36' } },
      );
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ userId: expect.any(String), deviceId: expect.any(String), token: expect.any(String) });
      // the WebAuthn user handle is the user id
      expect(opts.json.options.user.id).toBe(res.json.userId);

      const jwks = await app.call('GET', '/.well-known/jwks.json');
      const { payload, protectedHeader } = await jwtVerify(res.json.token, createLocalJWKSet(jwks.json), { issuer: ORIGIN });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.sub).toBe(res.json.userId);
      expect(payload.amr).toEqual(['passkey']);
      expect(payload.exp! - payload.iat!).toBe(900);

      const devices = await app.call('GET', '/me/devices', undefined, { token: res.json.token });
      expect(devices.json.devices).toEqual([
        expect.objectContaining({
          id: res.json.deviceId,
          type: 'passkey',
          name: 'Chrome on Linux',
          passkey: expect.objectContaining({
            aaguid: '01020304-0506-0708-090a-0b0c0d0e0f10',
            backupEligible: true,
            backedUp: true,
            transports: ['internal'],
          }),
        }),
      ]);
      expect(app.events.filter((e) => e.userId === res.json.userId).map((e) => e.type)).toEqual(['user.created', 'passkey.added']);
    });

    it('refuses a taken username (any case or width) before and at completion', async () => {
      const { username } = await signUp(app);
      const again = await app.call('POST', '/passkeys/register/options', { username: username.toUpperCase() });
      expect(again.status).toBe(409);
      expect(again.json.code).toBe('USERNAME_TAKEN');

      // two sign-ups racing for one name: the second to finish gets USERNAME_TAKEN, nothing half-written
      const name = uniqueName('race');
      const a = await app.call('POST', '/passkeys/register/options', { username: name });
      const b = await app.call('POST', '/passkeys/register/options', { username: name });
      const first = await app.call('POST', '/passkeys/register/verify', {
        ceremonyId: a.json.ceremonyId,
        response: await createSoftAuthenticator({ origin: ORIGIN }).createCredential(a.json.options),
      });
      expect(first.status).toBe(200);
      const loser = createSoftAuthenticator({ origin: ORIGIN });
      const second = await app.call('POST', '/passkeys/register/verify', {
        ceremonyId: b.json.ceremonyId,
        response: await loser.createCredential(b.json.options),
      });
      expect(second.status).toBe(409);
      expect(second.json.code).toBe('USERNAME_TAKEN');
      expect(await app.store.getPasskeyByCredentialId([...loser.credentials.keys()][0]!)).toBeNull();
    });

    it('refuses an attestation from another origin and writes nothing', async () => {
      const username = uniqueName();
      const opts = await app.call('POST', '/passkeys/register/options', { username });
      const evil = createSoftAuthenticator({ origin: 'https://evil.example' });
      const res = await app.call('POST', '/passkeys/register/verify', {
        ceremonyId: opts.json.ceremonyId,
        response: await evil.createCredential(opts.json.options),
      });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('REGISTRATION_FAILED');
      expect(await app.store.getUserByUsername(username)).toBeNull();
    });

    it('refuses sign-up when open registration is off', async () => {
      const closed = appWith({ openRegistration: false });
      const res = await closed.call('POST', '/passkeys/register/options', { username: uniqueName() });
      expect(res.status).toBe(403);
      expect(res.json.code).toBe('REGISTRATION_CLOSED');
    });
  });

  describe('adding a passkey to a signed-in account', () => {
    it('lists existing credentials in excludeCredentials and needs the same session to finish', async () => {
      const user = await signUp(app);
      const opts = await app.call('POST', '/passkeys/register/options', {}, { token: user.token });
      expect(opts.status).toBe(200);
      expect(opts.json.options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([...user.authenticator.credentials.keys()]);
      // the same authenticator refuses, as a browser would
      await expect(user.authenticator.createCredential(opts.json.options)).rejects.toThrow(/excludeCredentials/);

      const second = createSoftAuthenticator({ origin: ORIGIN });
      const response = await second.createCredential(opts.json.options);
      const anonymous = await app.call('POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.code).toBe('UNAUTHENTICATED');

      const ok = await addPasskey(app, user.token, { authenticator: second, name: 'Backup key' });
      expect(ok.status).toBe(200);
      expect(ok.json.userId).toBe(user.userId);
      const devices = await app.call('GET', '/me/devices', undefined, { token: user.token });
      expect(devices.json.devices.map((d: { name: string }) => d.name)).toContain('Backup key');
    });

    it('refuses a response whose id is not the attested credential id', async () => {
      const user = await signUp(app);
      const opts = await app.call('POST', '/passkeys/register/options', {}, { token: user.token });
      const twin = createSoftAuthenticator({ origin: ORIGIN });
      const response = await twin.createCredential(opts.json.options);
      // Reuse the original credential id: a confused or malicious client.
      const existingId = [...user.authenticator.credentials.keys()][0]!;
      const forged = { ...response, id: existingId, rawId: existingId };
      const res = await app.call(
        'POST',
        '/passkeys/register/verify',
        { ceremonyId: opts.json.ceremonyId, response: forged },
        { token: user.token },
      );
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('REGISTRATION_FAILED');
    });
  });

  // Without secret keys sign-in ceremonies are stored; with them they are sealed (stateless).
  describe.each([
    ['stored', {}],
    ['sealed', { secretKeys: parseKeyring(generateSealingKey('k1')) }],
  ] as const)('passkey sign-in (%s ceremonies)', (_mode, overrides) => {
    let app: TestApp;
    beforeAll(() => {
      app = appWith(overrides);
    });

    it('signs in with a username (allowCredentials) and without one (discoverable / autofill)', async () => {
      const user = await signUp(app);
      const named = await app.call('POST', '/passkeys/authenticate/options', { username: user.username });
      expect(named.json.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([...user.authenticator.credentials.keys()]);
      const r1 = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: named.json.ceremonyId,
        response: await user.authenticator.getAssertion(named.json.options),
      });
      expect(r1.status).toBe(200);
      expect(r1.json).toMatchObject({ userId: user.userId, deviceId: user.deviceId });

      const anon = await app.call('POST', '/passkeys/authenticate/options', {});
      expect(anon.json.options.allowCredentials ?? []).toEqual([]);
      const r2 = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: anon.json.ceremonyId,
        response: await user.authenticator.getAssertion(anon.json.options),
      });
      expect(r2.status).toBe(200);
      expect(r2.json.userId).toBe(user.userId);
      const devices = await app.call('GET', '/me/devices', undefined, { token: r2.json.token });
      expect(devices.json.devices[0].lastUsedAt).not.toBeNull();
    });

    it('answers an unknown username like a known one (no user enumeration)', async () => {
      const res = await app.call('POST', '/passkeys/authenticate/options', { username: uniqueName('ghost') });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json)).toEqual(['ceremonyId', 'options']);
    });

    it('refuses a replayed assertion: each ceremony is consumed once', async () => {
      const user = await signUp(app);
      const { opts, response } = await passkeyAssertion(app, user.authenticator);
      const body = { ceremonyId: opts.json.ceremonyId, response };
      expect((await app.call('POST', '/passkeys/authenticate/verify', body)).status).toBe(200);
      const replay = await app.call('POST', '/passkeys/authenticate/verify', body);
      expect(replay).toMatchObject({ status: 400, json: { code: 'CHALLENGE_NOT_FOUND' } });
      // ...and replaying it into a fresh ceremony fails the challenge check
      const fresh = await app.call('POST', '/passkeys/authenticate/options', {});
      const moved = await app.call('POST', '/passkeys/authenticate/verify', { ...body, ceremonyId: fresh.json.ceremonyId });
      expect(moved.status).toBe(401);
      expect(moved.json.code).toBe('AUTHENTICATION_FAILED');
    });

    it('refuses concurrent use of one ceremony: exactly one of many parallel verifications succeeds', async () => {
      const user = await signUp(app);
      const { opts, response } = await passkeyAssertion(app, user.authenticator);
      const body = { ceremonyId: opts.json.ceremonyId, response };
      const results = await Promise.all(Array.from({ length: 6 }, () => app.call('POST', '/passkeys/authenticate/verify', body)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(new Set(results.filter((r) => r.status !== 200).map((r) => r.json.code))).toEqual(new Set(['CHALLENGE_NOT_FOUND']));
    });

    it('refuses a signature counter that went backwards and records it', async () => {
      const user = await signUp(app);
      for (const counter of [5, 6]) {
        const o = await app.call('POST', '/passkeys/authenticate/options', {});
        const r = await app.call('POST', '/passkeys/authenticate/verify', {
          ceremonyId: o.json.ceremonyId,
          response: await user.authenticator.getAssertion(o.json.options, { counter }),
        });
        expect(r.status).toBe(200);
      }
      const o = await app.call('POST', '/passkeys/authenticate/options', {});
      const cloned = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: o.json.ceremonyId,
        response: await user.authenticator.getAssertion(o.json.options, { counter: 6 }),
      });
      expect(cloned.status).toBe(401);
      expect(cloned.json.code).toBe('COUNTER_REGRESSION');
      expect(app.events.some((e) => e.type === 'passkey.counter_regression' && e.userId === user.userId)).toBe(true);
    });

    it('refuses a credential that is not in allowCredentials, and a userHandle of someone else', async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const forAlice = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
      const bobsAssertion = await bob.authenticator.getAssertion({ ...forAlice.json.options, allowCredentials: [] });
      const res = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: forAlice.json.ceremonyId,
        response: bobsAssertion,
      });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');

      const anon = await app.call('POST', '/passkeys/authenticate/options', {});
      const assertion = await bob.authenticator.getAssertion(anon.json.options);
      const swapped = { ...assertion, response: { ...assertion.response, userHandle: alice.userId } };
      const res2 = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: anon.json.ceremonyId, response: swapped });
      expect(res2.status).toBe(401);
      expect(res2.json.code).toBe('USER_HANDLE_MISMATCH');
    });

    it('refuses an expired ceremony (clock seam, no sleeping)', async () => {
      const user = await signUp(app);
      const { opts, response } = await passkeyAssertion(app, user.authenticator);
      app.clock.advance(301);
      const res = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('CHALLENGE_EXPIRED');
    });

    it('refuses a ceremony again after a refused attempt (any attempt uses it up)', async () => {
      const user = await signUp(app);
      const opts = await app.call('POST', '/passkeys/authenticate/options', {});
      const other = await app.call('POST', '/passkeys/authenticate/options', {});
      const wrong = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: opts.json.ceremonyId,
        response: await user.authenticator.getAssertion(other.json.options), // signed over another challenge
      });
      expect(wrong.json.code).toBe('AUTHENTICATION_FAILED');
      const retry = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: opts.json.ceremonyId,
        response: await user.authenticator.getAssertion(opts.json.options),
      });
      expect(retry.status).toBe(400);
      expect(retry.json.code).toBe('CHALLENGE_NOT_FOUND');
    });

    it('a named sign-in is not completed by a listed credential id that was deleted and registered again by someone else', async () => {
      const alice = await signUp(app);
      const [x] = [...alice.authenticator.credentials.keys()];
      const forAlice = await app.call('POST', '/passkeys/authenticate/options', { username: alice.username });
      expect(forAlice.json.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([x]);
      expect(
        (await app.call('DELETE', `/me/devices/${alice.deviceId}?confirm=last-passkey`, undefined, { token: alice.token })).status,
      ).toBe(204);
      const mallory = createSoftAuthenticator({ origin: ORIGIN });
      const reg = await app.call('POST', '/passkeys/register/options', { username: uniqueName('mallory') });
      expect(
        (
          await app.call('POST', '/passkeys/register/verify', {
            ceremonyId: reg.json.ceremonyId,
            response: await mallory.createCredential(reg.json.options, { credentialId: x }),
          })
        ).status,
      ).toBe(200);
      const res = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: forAlice.json.ceremonyId,
        response: await mallory.getAssertion(forAlice.json.options),
      });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
    });

    it('refuses ceremony ids that were never issued, and every credential for an unknown username', async () => {
      const user = await signUp(app);
      const { opts, response } = await passkeyAssertion(app, user.authenticator);
      const id: string = opts.json.ceremonyId;
      const flipped = id.slice(0, -2) + (id.at(-2) === 'A' ? 'B' : 'A') + id.at(-1);
      for (const ceremonyId of [flipped, `a1.k1.${'A'.repeat(72)}`, 'nope']) {
        const res = await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId, response });
        expect(res.json.code, ceremonyId).toBe('CHALLENGE_NOT_FOUND');
      }
      const ghost = await app.call('POST', '/passkeys/authenticate/options', { username: uniqueName('ghost') });
      const res = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: ghost.json.ceremonyId,
        response: await user.authenticator.getAssertion({ ...ghost.json.options, allowCredentials: [] }),
      });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
      // the untouched ceremony still completes
      expect((await app.call('POST', '/passkeys/authenticate/verify', { ceremonyId: id, response })).status).toBe(200);
    });

    it('a deleted device can no longer sign in, also right after signing in (its credential in memory)', async () => {
      const user = await signUp(app);
      const first = await app.call('POST', '/passkeys/authenticate/options', {});
      const signedIn = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: first.json.ceremonyId,
        response: await user.authenticator.getAssertion(first.json.options),
      });
      expect(signedIn.status).toBe(200);
      const del = await app.call('DELETE', `/me/devices/${user.deviceId}?confirm=last-passkey`, undefined, { token: user.token });
      expect(del.status).toBe(204);
      const opts = await app.call('POST', '/passkeys/authenticate/options', {});
      const res = await app.call('POST', '/passkeys/authenticate/verify', {
        ceremonyId: opts.json.ceremonyId,
        response: await user.authenticator.getAssertion(opts.json.options),
      });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('CREDENTIAL_NOT_FOUND');
    });
  });

  describe('session tokens', () => {
    it('expire, and survive a signing-key rotation until pruned', async () => {
      const user = await signUp(app);
      const oldKid = decodeProtectedHeader(user.token).kid;
      const newKid = await app.twofold.tokens.rotateSigningKey();
      expect(newKid).not.toBe(oldKid);
      const jwks = await app.call('GET', '/.well-known/jwks.json');
      expect(jwks.json.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
      expect(jwks.json.keys.every((k: Record<string, unknown>) => k.d === undefined)).toBe(true);
      expect((await app.call('GET', '/me', undefined, { token: user.token })).status).toBe(200);
      const fresh = await app.twofold.tokens.issue({ userId: user.userId, amr: ['passkey'] });
      expect(decodeProtectedHeader(fresh).kid).toBe(newKid);

      app.clock.advance(901);
      const expired = await app.call('GET', '/me', undefined, { token: user.token });
      expect(expired.status).toBe(401);
      expect(expired.json.code).toBe('INVALID_TOKEN');
      app.clock.advance(86_400);
      expect(await app.twofold.tokens.pruneSigningKeys()).toContain(oldKid);
    });
  });
});
