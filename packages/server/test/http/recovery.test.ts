import { createSoftAuthenticator } from '@twofold/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { bindDevice, ORIGIN, signUp, type TestDeviceKey, useTestApp } from '../helpers/app.js';
import { storeBackends } from '../helpers/backends.js';
import type { SamplePerson } from '@twofold/testing';
import { evidence, testFaceAnalyzer } from '../helpers/face.js';

// The two recovery journeys over HTTP, with real face frames measured by the real analyzer
// (see helpers/face.ts); the browser camera pipeline is in e2e.
const analyzer = testFaceAnalyzer();
afterAll(() => analyzer.close());

describe.each(await storeBackends())('recovery flows on %s', { timeout: 180_000 }, (_name, open) => {
  const app = useTestApp(open, { secretKeys: parseKeyring(generateSealingKey('k1')), faceAnalyzer: analyzer });
  let support: string;
  beforeAll(async () => {
    support = (await app.twofold.apiKeys.create({ name: 'support', scopes: ['codes.generate', 'devices.read', 'client_state.read'] }))
      .secret;
    await analyzer.ready();
  }, 180_000);

  type User = Awaited<ReturnType<typeof signUp>>;
  /** A flow's `steps` as answered, in this order: `{ pin: true, face: false }` → `[{ name: 'pin', done: true }, { name: 'face', done: false }]`. */
  const steps = (done: Record<string, boolean>) => Object.entries(done).map(([name, isDone]) => ({ name, done: isDone }));
  /** A user with a passkey, a PIN and an enrolled face (kept as `keep`). */
  // Each customer's browser holds a bound device key (PIN checks and reset starts need its proofs).
  const keys = new Map<string, TestDeviceKey>();
  async function customer(keep: 'backup' | 'temporary' = 'backup') {
    const user = await signUp(app);
    keys.set(user.userId, await bindDevice(app, user.token));
    const face: SamplePerson = 'a';
    expect((await app.call('PUT', '/me/pin', { pin: '2580' }, { token: user.token })).status).toBe(204);
    const ch = await app.call('POST', '/face/challenge', { userId: user.userId, purpose: 'enroll' }, { token: user.token });
    const enrolled = await app.call(
      'POST',
      '/face/enroll',
      { challengeId: ch.json.challengeId, evidence: await evidence(ch.json, face), keep },
      { token: user.token },
    );
    expect(enrolled.status).toBe(200);
    return { ...user, face, clientState: enrolled.json.clientState as string, faceDeviceId: enrolled.json.deviceId as string };
  }
  const pinVerify = async (userId: string, pin: string) =>
    app.call('POST', '/pin/verify', { userId, pin, deviceProof: await keys.get(userId)!.proof(userId, 'pin') });
  async function faceStep(flowId: string, userId: string, face: SamplePerson, clientState?: string) {
    const ch = await app.call('POST', '/face/challenge', { userId, purpose: 'verify' });
    return app.call('POST', `/recovery/${flowId}/face`, {
      challengeId: ch.json.challengeId,
      evidence: await evidence(ch.json, face),
      ...(clientState && { clientState }),
    });
  }
  async function passkeyStep(flowId: string, authenticator = createSoftAuthenticator({ origin: ORIGIN }), replaceDeviceId?: string) {
    const options = await app.call('POST', `/recovery/${flowId}/passkey/options`, replaceDeviceId ? { replaceDeviceId } : {});
    expect(options.status).toBe(200);
    const response = await authenticator.createCredential(options.json.options);
    return {
      options,
      authenticator,
      verify: await app.call('POST', `/recovery/${flowId}/passkey/verify`, { ceremonyId: options.json.ceremonyId, response }),
    };
  }
  /** Passkey sign-in; without `user`, username-less (the authenticator offers its first credential). */
  async function signInWith(authenticator: ReturnType<typeof createSoftAuthenticator>, user?: User) {
    const options = await app.call('POST', '/passkeys/authenticate/options', user ? { username: user.username } : {});
    return app.call('POST', '/passkeys/authenticate/verify', {
      ceremonyId: options.json.ceremonyId,
      response: await authenticator.getAssertion(options.json.options),
    });
  }
  const startReset = async (userId: string) =>
    app.call('POST', '/recovery', { kind: 'credential_reset', userId, deviceProof: await keys.get(userId)!.proof(userId, 'recovery') });
  const generate = (userId: string, requireFace = true) =>
    app.call('POST', '/codes/link/generate', { userId, purpose: 'add_credential', authorize: true, requireFace }, { token: support });

  it('credential reset: locked PIN → new PIN staged → face check (PIN replaced) → passkey re-registered on the same device', async () => {
    const jane = await customer();
    for (const left of [2, 1])
      expect((await pinVerify(jane.userId, '1111')).json).toMatchObject({ code: 'PIN_INVALID', attemptsRemaining: left });
    expect((await pinVerify(jane.userId, '1111')).status).toBe(423);
    expect((await pinVerify(jane.userId, '2580')).json.code).toBe('PIN_LOCKED');

    const started = await startReset(jane.userId);
    expect(started.status).toBe(201);
    const { flowId } = started.json;
    expect(started.json).toEqual({
      flowId: expect.stringMatching(/^[\w-]{24}$/),
      userId: jane.userId,
      kind: 'credential_reset',
      status: 'open',
      step: 'pin',
      steps: steps({ pin: false, face: false, passkey: false }),
      pinReset: false,
      faceEnrolled: true,
      deviceId: null,
      expiresAt: new Date(app.clock.now().getTime() + 900_000).toISOString(),
    });
    // the handle is stored only as a hash
    expect(await app.store.getRecoveryFlow(flowId)).toBeNull();
    // steps out of order, and a weak PIN, change nothing
    expect((await faceStep(flowId, jane.userId, jane.face)).json).toMatchObject({
      status: 409,
      code: 'RECOVERY_OUT_OF_ORDER',
      step: 'pin',
    });
    expect((await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '1234' })).json.code).toBe('PIN_TOO_WEAK');
    expect((await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '12ab' })).json.code).toBe('INVALID_REQUEST');
    const staged = await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '7391' });
    expect(staged.json).toMatchObject({ step: 'face', steps: steps({ pin: true, face: false, passkey: false }) });
    expect((await pinVerify(jane.userId, '7391')).json.code).toBe('PIN_LOCKED'); // staged, not applied
    expect((await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '8402' })).json).toMatchObject({
      status: 409,
      code: 'RECOVERY_OUT_OF_ORDER',
      step: 'face',
    }); // staged once

    // someone else's face: refused, nothing changes
    const stranger = await faceStep(flowId, jane.userId, 'b');
    expect(stranger.status).toBe(401);
    expect(stranger.json.code).toBe('FACE_MISMATCH');
    expect((await app.call('GET', `/recovery/${flowId}`)).json.step).toBe('face');
    expect((await pinVerify(jane.userId, '7391')).json.code).toBe('PIN_LOCKED');

    const faced = await faceStep(flowId, jane.userId, jane.face);
    expect(faced.status).toBe(200);
    expect(faced.json.flow).toMatchObject({ step: 'passkey', pinReset: true, status: 'open' });
    expect((await app.twofold.tokens.verify({ token: faced.json.token })).amr).toEqual(['face']);
    expect((await pinVerify(jane.userId, '2580')).json.code).toBe('PIN_INVALID'); // the old PIN is gone
    const pinSession = await pinVerify(jane.userId, '7391');
    expect(pinSession.status).toBe(200);
    expect((await app.twofold.tokens.verify({ token: pinSession.json.token })).amr).toEqual(['pin']);
    expect((await faceStep(flowId, jane.userId, jane.face)).json.code).toBe('RECOVERY_OUT_OF_ORDER'); // once

    // re-register on the same device: the old passkey is left out of excludeCredentials and replaced
    const { options, verify } = await passkeyStep(flowId, jane.authenticator, jane.deviceId);
    expect(options.json.options.excludeCredentials).toEqual([]);
    expect(verify.status).toBe(200);
    expect((await app.twofold.tokens.verify({ token: verify.json.token })).amr).toEqual(['face']);
    expect(verify.json.flow).toMatchObject({ status: 'completed', step: 'done', deviceId: verify.json.deviceId });
    const devices = (await app.call('GET', '/me/devices', undefined, { token: verify.json.token })).json.devices;
    expect(devices.map((d: { id: string; type: string }) => [d.type, d.id === verify.json.deviceId]).sort()).toEqual([
      ['backup', false],
      ['passkey', true],
    ]);
    const signedIn = await signInWith(jane.authenticator, jane); // the new credential (the soft authenticator also kept the old one)
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.deviceId).toBe(verify.json.deviceId);
    const events = (await app.call('GET', '/me/events', undefined, { token: verify.json.token })).json.events.map(
      (e: { type: string }) => e.type,
    );
    expect(events.slice(0, 8).reverse()).toEqual([
      'face.verified',
      'pin.reset', // one transaction
      'pin.wrong',
      'user.signed_in', // the old PIN, then the new one
      'passkey.added',
      'device.removed',
      'recovery.completed', // one transaction
      'user.signed_in',
    ]);
    expect((await app.call('DELETE', `/recovery/${flowId}`)).json.code).toBe('RECOVERY_CLOSED');
  });

  it('support sees a customer’s flows (never their handles) and can cancel the open ones', async () => {
    const user = await customer();
    const { flowId } = (await startReset(user.userId)).json;
    await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '7391' });
    const listed = await app.call('GET', `/users/${user.userId}/recovery`, undefined, { token: support });
    expect(listed.status).toBe(200);
    expect(listed.json.flows).toEqual([
      {
        kind: 'credential_reset',
        status: 'open',
        step: 'face',
        pinReset: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(listed.json)).not.toContain(flowId);
    const reader = (await app.twofold.apiKeys.create({ name: 'reader-only', scopes: ['devices.read'] })).secret;
    expect((await app.call('POST', `/users/${user.userId}/recovery/cancel`, undefined, { token: reader })).json.code).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect((await app.call('POST', `/users/${user.userId}/recovery/cancel`, undefined, { token: support })).json).toEqual({ cancelled: 1 });
    expect((await faceStep(flowId, user.userId, user.face)).json.code).toBe('RECOVERY_CLOSED');
    expect((await app.call('GET', `/users/${user.userId}/recovery`, undefined, { token: support })).json.flows[0].status).toBe('abandoned');
    expect((await app.call('POST', '/users/nobody/recovery/cancel', undefined, { token: support })).json.code).toBe('USER_NOT_FOUND');
  });

  it('credential reset abandoned before the face check leaves the account as it was; flows expire', async () => {
    const user = await customer();
    const { flowId } = (await startReset(user.userId)).json;
    await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '7391' });
    expect((await app.call('DELETE', `/recovery/${flowId}`)).status).toBe(204);
    expect((await app.call('DELETE', `/recovery/${flowId}`)).status).toBe(204); // idempotent
    expect((await app.call('GET', `/recovery/${flowId}`)).json).toMatchObject({ status: 'abandoned', step: 'face' });
    expect((await faceStep(flowId, user.userId, user.face)).json).toMatchObject({ status: 409, code: 'RECOVERY_CLOSED' });
    expect((await pinVerify(user.userId, '2580')).status).toBe(200); // the PIN never changed
    expect((await pinVerify(user.userId, '7391')).json.code).toBe('PIN_INVALID');

    const late = (await startReset(user.userId)).json.flowId;
    app.clock.advance(901);
    const expired = await app.call('PUT', `/recovery/${late}/pin`, { pin: '7391' });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('RECOVERY_EXPIRED');
    expect((await app.call('GET', `/recovery/${late}`)).json.status).toBe('expired');
    expect((await app.call('GET', '/recovery/not-a-flow')).json).toMatchObject({ status: 404, code: 'RECOVERY_NOT_FOUND' });
  });

  it('new device: a face-bound link code, the backup client state from the backend, a face check, a new passkey', async () => {
    const owner = await customer();
    const code = (await generate(owner.userId)).json;
    expect(code.requireFace).toBe(true);
    // the code alone does not recover a face-protected account
    const codeOnly = await app.call('POST', '/credentials/fido2/init/code', {
      userId: owner.userId,
      code: { code: code.code, type: 'link' },
    });
    expect(codeOnly.status).toBe(403);
    expect(codeOnly.json.code).toBe('FACE_REQUIRED');

    // the host's backend fetches the client state of the backup device
    const devices = (await app.call('GET', `/users/${owner.userId}/devices`, undefined, { token: support })).json.devices;
    const backup = devices.find((d: { type: string }) => d.type === 'backup');
    const state = await app.call('GET', `/users/${owner.userId}/devices/${backup.id}/client-state`, undefined, { token: support });
    expect(state.json).toEqual({ deviceId: backup.id, type: 'backup', clientState: owner.clientState, expiresAt: null });
    const noScope = (await app.twofold.apiKeys.create({ name: 'reader', scopes: ['devices.read'] })).secret;
    expect((await app.call('GET', `/users/${owner.userId}/devices/${backup.id}/client-state`, undefined, { token: noScope })).status).toBe(
      403,
    );

    expect(
      (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code: 'wrong-code', type: 'link' } })).json
        .code,
    ).toBe('CODE_INVALID');
    expect((await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId })).json.code).toBe('INVALID_REQUEST');
    const started = await app.call('POST', '/recovery', {
      kind: 'new_device',
      userId: owner.userId,
      code: { code: code.code, type: 'link' },
    });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ step: 'face', steps: steps({ code: true, face: false, passkey: false }) });
    const { flowId } = started.json;
    expect((await app.call('POST', `/recovery/${flowId}/passkey/options`, {})).json.code).toBe('RECOVERY_OUT_OF_ORDER');

    expect((await faceStep(flowId, owner.userId, 'b', owner.clientState)).json.code).toBe('FACE_MISMATCH');
    const faced = await faceStep(flowId, owner.userId, owner.face, owner.clientState);
    expect(faced.status).toBe(200);
    expect(faced.json.token).toBeUndefined(); // signed in only once the new device is bound
    expect(faced.json.flow.step).toBe('passkey');

    const phone = createSoftAuthenticator({ origin: ORIGIN });
    const { verify } = await passkeyStep(flowId, phone);
    expect(verify.status).toBe(200);
    expect((await app.twofold.tokens.verify({ token: verify.json.token })).amr).toEqual(['code', 'face']);
    // the code is spent
    expect(
      (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code: code.code, type: 'link' } })).json
        .code,
    ).toBe('CODE_USED');
    // the user reviews devices and deletes the old one; the new passkey signs in, the old one no longer does
    expect((await app.call('DELETE', `/me/devices/${owner.deviceId}`, undefined, { token: verify.json.token })).status).toBe(204);
    expect((await signInWith(phone, owner)).status).toBe(200);
    expect((await signInWith(owner.authenticator)).json.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  it('new device with a temporary client state: consumed by the binding, not before', async () => {
    const owner = await customer('temporary');
    const code = (await generate(owner.userId)).json.code;
    const start = async () =>
      (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code, type: 'link' } })).json
        .flowId as string;
    const first = await start();
    expect((await faceStep(first, owner.userId, owner.face, owner.clientState)).status).toBe(200);
    expect((await app.call('DELETE', `/recovery/${first}`)).status).toBe(204); // abandoned: the state is still there
    const second = await start();
    expect((await faceStep(second, owner.userId, owner.face, owner.clientState)).status).toBe(200);
    expect((await passkeyStep(second)).verify.status).toBe(200);
    const types = (await app.call('GET', `/users/${owner.userId}/devices`, undefined, { token: support })).json.devices.map(
      (d: { type: string }) => d.type,
    );
    expect(types).toEqual(['passkey', 'passkey']); // the temporary device is gone
    const other = await generate(owner.userId);
    const third = (
      await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code: other.json.code, type: 'link' } })
    ).json.flowId;
    expect((await faceStep(third, owner.userId, owner.face, owner.clientState)).json.code).toBe('CLIENT_STATE_INVALID');
  });

  it('two flows racing with one code bind exactly one passkey; the loser writes nothing', async () => {
    const owner = await customer();
    const code = (await generate(owner.userId)).json.code;
    const flows: string[] = [];
    for (let i = 0; i < 2; i++) {
      const flowId = (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code, type: 'link' } })).json
        .flowId;
      expect((await faceStep(flowId, owner.userId, owner.face)).status).toBe(200);
      flows.push(flowId);
    }
    const results = await Promise.all(flows.map((f) => passkeyStep(f)));
    expect(results.map((r) => r.verify.status).sort()).toEqual([200, 401]);
    expect(results.find((r) => r.verify.status === 401)!.verify.json.code).toBe('CODE_USED');
    const passkeys = (await app.call('GET', `/users/${owner.userId}/devices`, undefined, { token: support })).json.devices.filter(
      (d: { type: string }) => d.type === 'passkey',
    );
    expect(passkeys).toHaveLength(2); // the original and the winner
    const states = await Promise.all(flows.map(async (f) => (await app.call('GET', `/recovery/${f}`)).json.status));
    expect(states.sort()).toEqual(['completed', 'open']);
  });

  it('face attempts: the user’s face locked (by someone else’s face on the user’s own device) cannot block a code holder; a code has its own budget', async () => {
    const owner = await customer();
    // Face sign-ins ride on a device proof (issue 21): a stranger without the device cannot even try.
    const verifyAs = async (face: SamplePerson) => {
      const ch = await app.call('POST', '/face/challenge', { userId: owner.userId, purpose: 'verify' });
      const deviceProof = await keys.get(owner.userId)!.proof(owner.userId, 'face');
      return app.call('POST', '/face/verify', {
        challengeId: ch.json.challengeId,
        userId: owner.userId,
        evidence: await evidence(ch.json, face),
        deviceProof,
      });
    };
    for (let i = 0; i < 5; i++) expect((await verifyAs('b')).json.code).toBe('FACE_MISMATCH');
    expect((await verifyAs(owner.face)).json.code).toBe('FACE_LOCKED'); // the user's face factor is locked…
    const resets = (await startReset(owner.userId)).json.flowId; // …and so is a credential reset (no first factor)
    await app.call('PUT', `/recovery/${resets}/pin`, { pin: '7391' });
    expect((await faceStep(resets, owner.userId, owner.face)).json.code).toBe('FACE_LOCKED');

    const code = (await generate(owner.userId)).json.code;
    const start = async () =>
      (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code, type: 'link' } })).json
        .flowId as string;
    const first = await start();
    for (let i = 0; i < 5; i++) expect((await faceStep(first, owner.userId, 'b')).json.code).toBe('FACE_MISMATCH');
    // the code's budget is spent, whichever flow uses it
    expect((await faceStep(first, owner.userId, owner.face)).json.code).toBe('FACE_LOCKED');
    expect((await faceStep(await start(), owner.userId, owner.face)).json.code).toBe('FACE_LOCKED');
    // a fresh code from support: the holder recovers although the user's face factor is locked
    const other = (await generate(owner.userId)).json.code;
    const flowId = (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code: other, type: 'link' } }))
      .json.flowId;
    expect((await faceStep(flowId, owner.userId, owner.face)).status).toBe(200);
    expect((await passkeyStep(flowId)).verify.status).toBe(200);
  });

  it('a user id that names a code’s face budget ("code:<codeId>") cannot lock the code holder out', async () => {
    const owner = await customer();
    const code = (await generate(owner.userId)).json.code;
    // the code's id is in the user's own activity (code.generated), readable by any session of theirs
    const events = (await app.call('GET', '/me/events?types=code.generated', undefined, { token: owner.token })).json.events;
    const codeId = events[0].data.codeId as string;
    const posing = `code:${codeId}`;
    for (let i = 0; i < 6; i++) {
      const ch = await app.call('POST', '/face/challenge', { userId: posing, purpose: 'verify' });
      // (refused before the frames or the budget are touched: no device of that "user" is bound)
      const res = await app.call('POST', '/face/verify', {
        challengeId: ch.json.challengeId,
        userId: posing,
        evidence: await evidence(ch.json, 'b'),
      });
      expect(res.json.code).toBe('DEVICE_PROOF_REQUIRED');
    }
    const flowId = (await app.call('POST', '/recovery', { kind: 'new_device', userId: owner.userId, code: { code, type: 'link' } })).json
      .flowId;
    expect((await faceStep(flowId, owner.userId, owner.face)).status).toBe(200);
  });

  it('a face check alone does not lift a credential reset for another user, and input is validated', async () => {
    const a = await customer();
    const b = await customer();
    const { flowId } = (await startReset(a.userId)).json;
    await app.call('PUT', `/recovery/${flowId}/pin`, { pin: '7391' });
    // B's own enrolled state does not open for A's flow
    expect((await faceStep(flowId, a.userId, b.face, b.clientState)).json.code).toBe('CLIENT_STATE_INVALID');
    expect((await app.call('POST', '/recovery', { kind: 'reset', userId: a.userId })).json.code).toBe('INVALID_REQUEST');
    // A reset starts only with a device proof: an unknown id and a known one without it are
    // answered alike, before anything is looked up (device binding).
    const unknown = await app.call('POST', '/recovery', { kind: 'credential_reset', userId: 'nobody' });
    const known = await app.call('POST', '/recovery', { kind: 'credential_reset', userId: b.userId });
    expect({ status: unknown.status, ...unknown.json }).toEqual({ status: known.status, ...known.json });
    expect(unknown.json.code).toBe('DEVICE_PROOF_REQUIRED');
    const wrongCode = { code: { code: 'ABCDEFGHJKMNPQRSTVWXYZ0123', type: 'long' } };
    const [unknownCode, knownCode] = await Promise.all([
      app.call('POST', '/recovery', { kind: 'new_device', userId: 'nobody', ...wrongCode }),
      app.call('POST', '/recovery', { kind: 'new_device', userId: a.userId, ...wrongCode }),
    ]);
    expect({ status: unknownCode.status, ...unknownCode.json }).toEqual({ status: knownCode.status, ...knownCode.json });
    expect((await app.call('POST', `/recovery/${flowId}/passkey/options`, { replaceDeviceId: 'x' })).json.code).toBe(
      'RECOVERY_OUT_OF_ORDER',
    );
  });
});
