import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/storage/store.js';
import { createTestApp, signUp } from '../helpers/app.js';
import { evidence, near, person } from '../helpers/face.js';

// Server-side checks of face evidence. The evidence here is built by hand (it is JSON the server
// must judge whatever its origin); the real camera pipeline is exercised in e2e.
let store: Store;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  store = await createPGliteStore();
  app = createTestApp(store, { secretKeys: parseKeyring(generateSealingKey('k1')) });
});
afterAll(() => store.close());

const challenge = (userId: string, purpose: 'enroll' | 'verify', token?: string) =>
  app.call('POST', '/face/challenge', { userId, purpose }, token ? { token } : {});

async function enroll(user: Awaited<ReturnType<typeof signUp>>, face: number[], keep?: 'backup' | 'temporary') {
  const ch = await challenge(user.userId, 'enroll', user.token);
  return app.call('POST', '/face/enroll', { challengeId: ch.json.challengeId, evidence: evidence(ch.json.challengeId, face, ch.json.actions), ...(keep && { keep }) }, { token: user.token });
}
async function verify(userId: string, face: number[], o: { clientState?: string; still?: boolean; reorder?: boolean } = {}) {
  const ch = await challenge(userId, 'verify');
  const actions = o.reorder ? [...ch.json.actions].reverse() : ch.json.actions;
  return app.call('POST', '/face/verify', {
    challengeId: ch.json.challengeId,
    userId,
    evidence: evidence(ch.json.challengeId, face, actions, { still: Boolean(o.still) }),
    ...(o.clientState && { clientState: o.clientState }),
  });
}

describe('face', () => {
  it('issues a challenge with every action in random order; enrolling needs the user’s session', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'verify');
    expect(ch.json).toEqual({ challengeId: expect.any(String), actions: expect.any(Array), expiresAt: expect.any(String) });
    expect([...ch.json.actions].sort()).toEqual(['move_closer', 'turn_left', 'turn_right']);
    expect((await challenge(user.userId, 'enroll')).json.code).toBe('UNAUTHENTICATED');
  });

  it('enrolls (sealed client state, backup device) and verifies the same person with amr ["face"]', async () => {
    const user = await signUp(app);
    const face = person();
    const enrolled = await enroll(user, face);
    expect(enrolled.status).toBe(200);
    expect(enrolled.json).toEqual({ deviceId: expect.any(String), type: 'backup', clientState: expect.stringMatching(/^tf1\.k1\./) });
    const devices = await app.call('GET', '/me/devices', undefined, { token: user.token });
    expect(devices.json.devices.map((d: { type: string }) => d.type).sort()).toEqual(['backup', 'passkey']);
    const ok = await verify(user.userId, near(face, 0.02));
    expect(ok.status).toBe(200);
    expect(ok.json.match).toBe(true);
    expect((await app.twofold.tokens.verify({ token: ok.json.token })).amr).toEqual(['face']);
    // with the client state instead of the stored device
    expect((await verify(user.userId, near(face, 0.02), { clientState: enrolled.json.clientState })).status).toBe(200);
  });

  it('refuses another person (FACE_MISMATCH), a still photo and actions out of order (LIVENESS_FAILED)', async () => {
    const user = await signUp(app);
    const face = person();
    await enroll(user, face);
    const other = await verify(user.userId, person());
    expect(other.status).toBe(401);
    expect(other.json.code).toBe('FACE_MISMATCH');
    const still = await verify(user.userId, face, { still: true });
    expect(still.status).toBe(422);
    expect(still.json.code).toBe('LIVENESS_FAILED');
    expect((await verify(user.userId, face, { reorder: true })).json.code).toBe('LIVENESS_FAILED');
  });

  it('refuses a replayed challenge, evidence for another challenge, and a face that changes mid-session', async () => {
    const user = await signUp(app);
    const face = person();
    await enroll(user, face);
    const ch = await challenge(user.userId, 'verify');
    const body = { challengeId: ch.json.challengeId, userId: user.userId, evidence: evidence(ch.json.challengeId, face, ch.json.actions) };
    expect((await app.call('POST', '/face/verify', body)).status).toBe(200);
    expect((await app.call('POST', '/face/verify', body)).json.code).toBe('CHALLENGE_NOT_FOUND');
    const ch2 = await challenge(user.userId, 'verify');
    expect((await app.call('POST', '/face/verify', { ...body, challengeId: ch2.json.challengeId })).json.code).toBe('LIVENESS_FAILED');
    const ch3 = await challenge(user.userId, 'verify');
    const swapped = evidence(ch3.json.challengeId, face, ch3.json.actions);
    swapped.descriptors[3] = person();
    expect((await app.call('POST', '/face/verify', { challengeId: ch3.json.challengeId, userId: user.userId, evidence: swapped })).json.code).toBe('LIVENESS_FAILED');
  });

  it('binds client state to its user; a temporary state works once', async () => {
    const alice = await signUp(app);
    const bob = await signUp(app);
    const face = person();
    const temp = await enroll(alice, face, 'temporary');
    expect(temp.json.type).toBe('temporary');
    expect((await verify(bob.userId, face, { clientState: temp.json.clientState })).json.code).toBe('CLIENT_STATE_INVALID');
    expect((await verify(alice.userId, face, { clientState: temp.json.clientState })).status).toBe(200);
    expect((await verify(alice.userId, face, { clientState: temp.json.clientState })).json.code).toBe('CLIENT_STATE_INVALID');
    expect((await verify(alice.userId, face)).json.code).toBe('FACE_NOT_ENROLLED');
  });

  it('a deleted face device revokes its client state; a used temporary one leaves the device list', async () => {
    const user = await signUp(app);
    const face = person();
    const backup = await enroll(user, face);
    const temp = await enroll(user, face, 'temporary');
    const types = async () => (await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices.map((d: { type: string }) => d.type).sort();
    expect(await types()).toEqual(['backup', 'passkey', 'temporary']);
    const listed = (await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices.find((d: { type: string }) => d.type === 'temporary');
    expect(listed.expiresAt).toBe(new Date(app.clock.now().getTime() + 3600_000).toISOString());
    expect((await verify(user.userId, face, { clientState: temp.json.clientState })).status).toBe(200);
    expect(await types()).toEqual(['backup', 'passkey']);
    expect((await app.call('DELETE', `/me/devices/${backup.json.deviceId}`, undefined, { token: user.token })).status).toBe(204);
    const revoked = await verify(user.userId, face, { clientState: backup.json.clientState });
    expect(revoked.status).toBe(400);
    expect(revoked.json.code).toBe('CLIENT_STATE_INVALID');
  });

  it('an expired temporary state is hidden at once and swept later', async () => {
    const user = await signUp(app);
    await enroll(user, person(), 'temporary');
    app.clock.advance(3601);
    expect((await app.twofold.devices.list({ userId: user.userId })).map((d) => d.type)).toEqual(['passkey']);
    expect((await store.listDevices(user.userId)).map((d) => d.type).sort()).toEqual(['passkey', 'temporary']);
    await app.twofold.sweep();
    expect((await store.listDevices(user.userId)).map((d) => d.type)).toEqual(['passkey']);
  });

  it('locks after a few failed attempts', async () => {
    const user = await signUp(app);
    await enroll(user, person());
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await verify(user.userId, person())).json.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('FACE_MISMATCH'));
    expect(codes[5]).toBe('FACE_LOCKED');
  });

  it('a face challenge expires after two minutes', async () => {
    const user = await signUp(app);
    const face = person();
    await enroll(user, face);
    const ch = await challenge(user.userId, 'verify');
    expect(new Date(ch.json.expiresAt).getTime() - app.clock.now().getTime()).toBe(120_000);
    app.clock.advance(121);
    const late = await app.call('POST', '/face/verify', { challengeId: ch.json.challengeId, userId: user.userId, evidence: evidence(ch.json.challengeId, face, ch.json.actions) });
    expect(late.json.code).toBe('CHALLENGE_EXPIRED');
  });

  it('validates evidence shape', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'verify');
    const bad = await app.call('POST', '/face/verify', { challengeId: ch.json.challengeId, userId: user.userId, evidence: { version: 1, frames: 'x' } });
    expect(bad.json.code).toBe('INVALID_REQUEST');
  });
});
