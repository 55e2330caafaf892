import { PGlite } from '@electric-sql/pglite';
import sharp from 'sharp';
import { FACE_TARGETS, type FaceAction, type FaceEvidence } from '@twofold/protocol';
import type { SamplePerson } from '@twofold/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/store.js';
import { bindDevice, createTestApp, signUp as signUpUnbound, type TestDeviceKey } from '../helpers/app.js';
import { evidence, frame, testFaceAnalyzer, type EvidenceOptions } from '../helpers/face.js';
import { createFaceAnalyzer } from '../../src/adapters/face/index.js';
import type { FaceAnalyzer } from '../../src/face/analyzer.js';

/** The real analyzer with the shipped bound on the wait (3 s), which a test can reach. */
const boundedAnalyzer = () => createFaceAnalyzer({ threads: 1, maxWaitMs: 3000 });

// Face checks over HTTP, decided by the server on real frames (face-api's sample photos rendered
// in each pose by @twofold/testing) measured by the real pipeline (worker thread, tfjs WASM).
let db: PGlite;
let store: Store;
let analyzer: FaceAnalyzer & { ready(): Promise<void> };
let app: ReturnType<typeof createTestApp>;
const secretKeys = parseKeyring(generateSealingKey('k1'));
beforeAll(async () => {
  db = await PGlite.create();
  store = await createPGliteStore({ db });
  analyzer = testFaceAnalyzer();
  await analyzer.ready();
  app = createTestApp(store, { secretKeys, faceAnalyzer: analyzer });
}, 180_000);
afterAll(async () => {
  await analyzer.close();
  await store.close();
});

// Every user here signs up on a browser whose device key is bound: a face sign-in rides on it.
const keys = new Map<string, TestDeviceKey>();
async function signUp(on: typeof app) {
  const user = await signUpUnbound(on);
  keys.set(user.userId, await bindDevice(on, user.token));
  return user;
}
/** A proof by the user's device key; for an id without one, a made-up proof over a real challenge. */
async function proofFor(userId: string, via = app) {
  const key = keys.get(userId);
  if (key) return key.proof(userId, 'face');
  const ch = await via.call('POST', '/device-keys/challenge', { userId, purpose: 'face' });
  return { keyId: 'A'.repeat(43), challengeId: ch.json.challengeId as string, signature: 'A'.repeat(86) };
}

const challenge = (userId: string, purpose: 'enroll' | 'verify', token?: string) =>
  app.call('POST', '/face/challenge', { userId, purpose }, token ? { token } : {});

async function enroll(user: Awaited<ReturnType<typeof signUp>>, person: SamplePerson, keep?: 'backup' | 'temporary') {
  const ch = await challenge(user.userId, 'enroll', user.token);
  const body = { challengeId: ch.json.challengeId, evidence: await evidence(ch.json, person), ...(keep && { keep }) };
  return app.call('POST', '/face/enroll', body, { token: user.token });
}
async function verify(userId: string, person: SamplePerson, o: EvidenceOptions & { clientState?: string } = {}) {
  const ch = await challenge(userId, 'verify');
  return send(userId, ch.json.challengeId, await evidence(ch.json, person, o), o.clientState);
}
const send = async (userId: string, challengeId: string, ev: unknown, clientState?: string, via = app) =>
  via.call('POST', '/face/verify', {
    challengeId,
    userId,
    evidence: ev,
    ...(clientState && { clientState }),
    deviceProof: await proofFor(userId, via),
  });
/** A fresh verify challenge whose action order differs from `actions`. */
async function challengeOtherThan(userId: string, actions: FaceAction[]) {
  for (;;) {
    const ch = await challenge(userId, 'verify');
    if (ch.json.actions.join() !== actions.join()) return ch.json as { challengeId: string; actions: FaceAction[] };
  }
}
/** `ev`'s frames re-labelled and re-ordered to answer `target` (what a replaying attacker does). */
function reordered(ev: FaceEvidence, target: { challengeId: string; actions: FaceAction[] }): FaceEvidence {
  const byPose = new Map(ev.frames.map((f) => [f.pose, f.image]));
  return {
    version: 2,
    challengeId: target.challengeId,
    frames: ['neutral' as const, ...target.actions].map((pose) => ({ pose, image: byPose.get(pose)! })),
  };
}

// Each check runs the real models on 4 frames (a second or two on one thread; more on a busy machine).
describe('face', { timeout: 180_000 }, () => {
  it('issues a challenge with every action in random order; enrolling needs the user’s session', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'verify');
    expect(ch.json).toEqual({
      challengeId: expect.any(String),
      actions: expect.any(Array),
      targets: expect.any(Array),
      expiresAt: expect.any(String),
    });
    expect([...ch.json.actions].sort()).toEqual(['move_closer', 'turn_left', 'turn_right']);
    // one target per action, drawn from the documented range
    expect(ch.json.targets).toHaveLength(3);
    for (const t of ch.json.targets as { x: number; y: number }[]) {
      expect(Math.abs(t.x)).toBeLessThanOrEqual(FACE_TARGETS.range.x);
      expect(Math.abs(t.y)).toBeLessThanOrEqual(FACE_TARGETS.range.y);
    }
    expect((await challenge(user.userId, 'enroll')).json.code).toBe('UNAUTHENTICATED');
  });

  it('faceActions needs at least two distinct known actions (with one, re-labelled recorded frames pass ~12 % of checks)', () => {
    for (const faceActions of [['turn_left'], ['turn_left', 'turn_left'], [], ['turn_left', 'nod']] as FaceAction[][]) {
      expect(() => createTestApp(store, { secretKeys, faceActions }), JSON.stringify(faceActions)).toThrow(
        /faceActions needs at least two/,
      );
    }
    expect(() => createTestApp(store, { secretKeys, faceActions: ['turn_left', 'move_closer'] })).not.toThrow();
  });

  it('enrolling a face is a credential change: it needs a passkey sign-in at most 5 minutes old (issue 13)', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'enroll', user.token);
    expect(ch.status).toBe(200);
    app.clock.advance(301);
    expect((await challenge(user.userId, 'enroll', user.token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
    // a challenge taken while the sign-in was fresh does not carry the session past the rule
    const late = await app.call(
      'POST',
      '/face/enroll',
      { challengeId: ch.json.challengeId, evidence: await evidence(ch.json, 'a') },
      { token: user.token },
    );
    expect(late.status).toBe(403);
    expect(late.json.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices).toHaveLength(1);
  });

  it('a face sign-in rides on possession: a photo and a user id get nothing, and spend nothing, without a proof of a bound device (issue 21)', async () => {
    const victim = await signUp(app);
    await enroll(victim, 'a');
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAA';
    const stranger = await signUp(app); // someone with a bound device of their own
    const frames = async (userId: string) => {
      const ch = await challenge(userId, 'verify');
      // The victim's photo warped into every requested pose: it passes pose liveness (2D landmarks are not depth).
      return { ch: ch.json as { challengeId: string; actions: FaceAction[] }, ev: await evidence(ch.json, 'a') };
    };
    const { ch, ev } = await frames(victim.userId);
    const post = (userId: string, challengeId: string, body: object) =>
      app.call('POST', '/face/verify', { challengeId, userId, evidence: ev, ...body });
    const madeUp = async (userId: string, purpose = 'face') => {
      const c = await app.call('POST', '/device-keys/challenge', { userId, purpose });
      return { keyId: 'A'.repeat(43), challengeId: c.json.challengeId, signature: 'A'.repeat(86) };
    };
    const answers = [
      await post(victim.userId, ch.challengeId, {}),
      await post(victim.userId, ch.challengeId, { deviceProof: await madeUp(victim.userId) }),
      // the stranger's own key, over a challenge for the victim
      await post(victim.userId, ch.challengeId, { deviceProof: { ...(await keys.get(stranger.userId)!.proof(victim.userId, 'face')) } }),
      // the victim's key, but a proof made for the PIN (another purpose)
      await post(victim.userId, ch.challengeId, { deviceProof: await keys.get(victim.userId)!.proof(victim.userId, 'pin') }),
    ];
    expect(answers.map((a) => [a.status, a.json.code])).toEqual([
      [401, 'DEVICE_PROOF_REQUIRED'],
      [401, 'DEVICE_PROOF_INVALID'],
      [401, 'DEVICE_PROOF_INVALID'],
      [401, 'DEVICE_PROOF_INVALID'],
    ]);
    // An unknown id is answered as a known one.
    const unknown = await frames(unknownId);
    const u = [
      await app.call('POST', '/face/verify', { challengeId: unknown.ch.challengeId, userId: unknownId, evidence: unknown.ev }),
      await app.call('POST', '/face/verify', {
        challengeId: unknown.ch.challengeId,
        userId: unknownId,
        evidence: unknown.ev,
        deviceProof: await madeUp(unknownId),
      }),
    ];
    expect(u.map((a) => a.json)).toEqual([answers[0]!.json, answers[1]!.json]);
    // Nothing was touched: no frame was read or remembered, no attempt counted (more refusals than
    // the lock allows leave the factor open), and the challenge still answers its owner.
    for (let i = 0; i < 6; i++) expect((await post(victim.userId, ch.challengeId, {})).json.code).toBe('DEVICE_PROOF_REQUIRED');
    const seen = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM face_frames_seen WHERE user_id = ANY($1)', [
      [victim.userId, unknownId],
    ]);
    expect(seen.rows[0]!.n).toBe(4); // the enrolment's frames only
    const ok = await send(victim.userId, ch.challengeId, ev);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect((await app.twofold.tokens.verify({ token: ok.json.token })).amr).toEqual(['face']);
  });

  it('enrolls from frames (sealed client state, backup device) and verifies the same person with amr ["face"]', async () => {
    const user = await signUp(app);
    const enrolled = await enroll(user, 'a');
    expect(enrolled.status, JSON.stringify(enrolled.json)).toBe(200);
    expect(enrolled.json).toEqual({ deviceId: expect.any(String), type: 'backup', clientState: expect.stringMatching(/^tf1\.k1\./) });
    const devices = await app.call('GET', '/me/devices', undefined, { token: user.token });
    expect(devices.json.devices.map((d: { type: string }) => d.type).sort()).toEqual(['backup', 'passkey']);
    const ok = await verify(user.userId, 'a');
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toEqual({ match: true, token: expect.any(String) });
    expect((await app.twofold.tokens.verify({ token: ok.json.token })).amr).toEqual(['face']);
    // a face session cannot enrol a face (of its choosing) in turn
    expect((await challenge(user.userId, 'enroll', ok.json.token)).json.code).toBe('REAUTHENTICATION_REQUIRED');
    // with the client state instead of the stored device
    expect((await verify(user.userId, 'a', { clientState: enrolled.json.clientState })).status).toBe(200);
  });

  it('refuses another person (FACE_MISMATCH), a still photo, and frames showing the wrong pose (LIVENESS_FAILED)', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const other = await verify(user.userId, 'b');
    expect(other.status).toBe(401);
    expect(other.json.code).toBe('FACE_MISMATCH');
    const still = await verify(user.userId, 'a', { still: true });
    expect(still.status).toBe(422);
    expect(still.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: expect.stringMatching(/does not show/) });
    // every pose present, but each labelled as another one (a turn to the left sent as the right one …)
    const ch = await challenge(user.userId, 'verify');
    const shifted = await evidence(ch.json, 'a');
    const images = shifted.frames.slice(1).map((f) => f.image);
    shifted.frames.slice(1).forEach((f, i) => {
      f.image = images[(i + 1) % images.length]!;
    });
    expect((await send(user.userId, ch.json.challengeId, shifted)).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: expect.stringMatching(/does not show/),
    });
  });

  it('refuses the victim’s photo for the neutral frame with someone else performing the actions', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const swap = await verify(user.userId, 'a', { actionsBy: 'b' });
    expect(swap.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: expect.stringMatching(/person in frame 1 is not the one/) });
  });

  it('forgeries over plain HTTP: descriptor evidence, absurd numbers, one photo repeated — nothing issues a token', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const ch = await challenge(user.userId, 'verify');
    const huge = Array.from({ length: 128 }, () => 1e200);
    // 1. The old (version 1) evidence: a track and descriptors computed by the client — refused outright.
    const v1 = {
      version: 1,
      challengeId: ch.json.challengeId,
      frame: { width: 640, height: 480 },
      frames: Array.from({ length: 20 }, (_, i) => ({
        t: i * 66,
        box: { x: 200, y: 120, width: 150, height: 180 },
        yaw: i % 5 === 0 ? 0.3 : 0,
        eyeOpenness: 0.3,
      })),
      descriptors: [huge, huge, huge],
    };
    expect((await send(user.userId, ch.json.challengeId, v1)).json.code).toBe('INVALID_REQUEST');
    // …and descriptors or numbers smuggled next to frames are not accepted either.
    const withNumbers = { ...(await evidence(ch.json, 'a')), descriptors: [huge] };
    expect((await send(user.userId, ch.json.challengeId, withNumbers)).json.code).toBe('INVALID_REQUEST');
    // 2. One ordinary photo of the victim, the same bytes as every frame.
    const photo = await frame('a', 'neutral');
    const ch2 = await challenge(user.userId, 'verify');
    const repeated = {
      version: 2,
      challengeId: ch2.json.challengeId,
      frames: ['neutral', ...ch2.json.actions].map((pose) => ({ pose, image: photo })),
    };
    expect((await send(user.userId, ch2.json.challengeId, repeated)).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: 'a frame was sent before',
    });
    // 3. Not an image at all.
    const ch3 = await challenge(user.userId, 'verify');
    const junk = {
      version: 2,
      challengeId: ch3.json.challengeId,
      frames: ['neutral', ...ch3.json.actions].map((pose) => ({
        pose,
        image: btoa(`\xff\xd8\xff${pose}${Math.random()}`.padEnd(220, 'x')),
      })),
    }; // distinct bytes each: not a replay
    expect((await send(user.userId, ch3.json.challengeId, junk)).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: 'frame 0 could not be read',
    });
    const events = await app.twofold.audit.list({ userId: user.userId });
    expect(events.filter((e) => e.type === 'face.verified')).toHaveLength(0);
  });

  it('replays: a used challenge, the frames of a successful check re-sent for a new challenge, frames made for another challenge', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const ch = await challenge(user.userId, 'verify');
    const ev = await evidence(ch.json, 'a');
    expect((await send(user.userId, ch.json.challengeId, ev)).status).toBe(200);
    expect((await send(user.userId, ch.json.challengeId, ev)).json.code).toBe('CHALLENGE_NOT_FOUND');
    // the same frames, re-labelled and re-ordered to answer a new challenge's order
    const next = await challengeOtherThan(user.userId, ch.json.actions);
    expect((await send(user.userId, next.challengeId, reordered(ev, next))).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: 'a frame was sent before',
    });
    // frames made for challenge A (never sent) answering challenge B as they are
    const a = await challenge(user.userId, 'verify');
    const forA = await evidence(a.json, 'a');
    const b = await challengeOtherThan(user.userId, a.json.actions);
    expect((await send(user.userId, b.challengeId, forA)).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: 'the evidence answers another challenge',
    });
    expect(
      (await send(user.userId, (await challengeOtherThan(user.userId, a.json.actions)).challengeId, { ...forA, challengeId: 'x' })).json
        .code,
    ).toBe('LIVENESS_FAILED');
    const c = await challengeOtherThan(user.userId, a.json.actions);
    expect((await send(user.userId, c.challengeId, { ...forA, challengeId: c.challengeId })).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: expect.stringMatching(/in this order/),
    });
  });

  it('a challenge sent for another user, or for the other purpose, is refused without being spent: its owner still answers it', async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    await enroll(owner, 'a');
    const ch = await challenge(owner.userId, 'verify');
    const ev = await evidence(ch.json, 'a');
    expect((await send(stranger.userId, ch.json.challengeId, ev)).json.code).toBe('CEREMONY_MISMATCH');
    const asEnrolment = await app.call('POST', '/face/enroll', { challengeId: ch.json.challengeId, evidence: ev }, { token: owner.token });
    expect(asEnrolment.json.code).toBe('CEREMONY_MISMATCH');
    const verified = await send(owner.userId, ch.json.challengeId, ev);
    expect(verified.status).toBe(200);
    expect(verified.json.match).toBe(true);
    // Enrolment: another user's session with the owner's enrolment challenge.
    const enrolment = await challenge(owner.userId, 'enroll', owner.token);
    const frames = await evidence(enrolment.json, 'a');
    expect(
      (await app.call('POST', '/face/enroll', { challengeId: enrolment.json.challengeId, evidence: frames }, { token: stranger.token }))
        .status,
    ).toBe(401);
    expect(
      (await app.call('POST', '/face/enroll', { challengeId: enrolment.json.challengeId, evidence: frames }, { token: owner.token }))
        .status,
    ).toBe(200);
  });

  it('frames filmed for challenge 1 (never sent), re-ordered and re-labelled — or re-encoded — do not answer challenge 2; honest frames for 2 do (issue 21)', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    type Ch = { challengeId: string; actions: FaceAction[]; targets: { x: number; y: number }[] };
    const first = (await challenge(user.userId, 'verify')).json as Ch;
    const filmed = await evidence(first, 'a'); // never sent
    const targetOf = (c: Ch, action: FaceAction) => c.targets[c.actions.indexOf(action)]!;
    // A second challenge whose targets are all away from the first's (the chance case, where they
    // happen to be close, is measured in evidence.test.ts: under 1 % of random pairs).
    let second: Ch;
    do second = (await challenge(user.userId, 'verify')).json as Ch;
    while (
      !second.actions.every(
        (a) => Math.hypot(targetOf(second, a).x - targetOf(first, a).x, targetOf(second, a).y - targetOf(first, a).y) > 0.12,
      )
    );
    const relabelled = reordered(filmed, second);
    const refused = await send(user.userId, second.challengeId, relabelled);
    expect(refused.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: expect.stringMatching(/does not have the face at the target/) });
    // Re-encoded (what defeats a fingerprint of exact bytes): decoded, one pixel in 97 changed by one level, encoded again.
    const reencode = async (image: string) => {
      const { data, info } = await sharp(Buffer.from(image, 'base64')).raw().toBuffer({ resolveWithObject: true });
      for (let i = 0; i < data.length; i += 97 * 3) data[i] = data[i]! < 255 ? data[i]! + 1 : 254;
      return (await sharp(data, { raw: info }).jpeg({ quality: 90 }).toBuffer()).toString('base64');
    };
    let third: Ch;
    do third = (await challenge(user.userId, 'verify')).json as Ch;
    while (
      !third.actions.every(
        (a) => Math.hypot(targetOf(third, a).x - targetOf(first, a).x, targetOf(third, a).y - targetOf(first, a).y) > 0.12,
      )
    );
    const reencoded = reordered(
      { ...filmed, frames: await Promise.all(filmed.frames.map(async (f) => ({ ...f, image: await reencode(f.image) }))) },
      third,
    );
    expect((await send(user.userId, third.challengeId, reencoded)).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: expect.stringMatching(/does not have the face at the target/),
    });
    // The honest path: filmed for the challenge it answers.
    const honest = await challenge(user.userId, 'verify');
    const ok = await send(user.userId, honest.json.challengeId, await evidence(honest.json, 'a'));
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
  });

  it('keeps no frame: nothing of the images reaches the database or the audit trail', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'enroll', user.token);
    const ev = await evidence(ch.json, 'a');
    expect((await app.call('POST', '/face/enroll', { challengeId: ch.json.challengeId, evidence: ev }, { token: user.token })).status).toBe(
      200,
    );
    const failed = await verify(user.userId, 'a', { still: true });
    expect(failed.json.code).toBe('LIVENESS_FAILED');
    const tables = (
      await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
    ).rows;
    let dump = '';
    for (const { table_name } of tables) dump += JSON.stringify((await db.query(`SELECT * FROM "${table_name}"`)).rows);
    for (const f of ev.frames) expect(dump.includes(f.image.slice(100, 160))).toBe(false);
    expect(dump).not.toContain('/9j/'); // the base64 start of any JPEG
    const events = JSON.stringify(await app.twofold.audit.list({ userId: user.userId }));
    expect(events).toContain('face.liveness_failed');
    expect(events).not.toContain('/9j/');
  });

  it('binds client state to its user; a temporary state works once', async () => {
    const alice = await signUp(app);
    const bob = await signUp(app);
    const temp = await enroll(alice, 'a', 'temporary');
    expect(temp.json.type).toBe('temporary');
    expect((await verify(bob.userId, 'a', { clientState: temp.json.clientState })).json.code).toBe('CLIENT_STATE_INVALID');
    expect((await verify(alice.userId, 'a', { clientState: temp.json.clientState })).status).toBe(200);
    expect((await verify(alice.userId, 'a', { clientState: temp.json.clientState })).json.code).toBe('CLIENT_STATE_INVALID');
    expect((await verify(alice.userId, 'a')).json.code).toBe('FACE_NOT_ENROLLED');
  });

  it('a deleted face device revokes its client state; a used temporary one leaves the device list', async () => {
    const user = await signUp(app);
    const backup = await enroll(user, 'a');
    const temp = await enroll(user, 'a', 'temporary');
    const types = async () =>
      (await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices.map((d: { type: string }) => d.type).sort();
    expect(await types()).toEqual(['backup', 'passkey', 'temporary']);
    const listed = (await app.call('GET', '/me/devices', undefined, { token: user.token })).json.devices.find(
      (d: { type: string }) => d.type === 'temporary',
    );
    expect(listed.expiresAt).toBe(new Date(app.clock.now().getTime() + 3600_000).toISOString());
    expect((await verify(user.userId, 'a', { clientState: temp.json.clientState })).status).toBe(200);
    expect(await types()).toEqual(['backup', 'passkey']);
    expect((await app.call('DELETE', `/me/devices/${backup.json.deviceId}`, undefined, { token: user.token })).status).toBe(204);
    const revoked = await verify(user.userId, 'a', { clientState: backup.json.clientState });
    expect(revoked.status).toBe(400);
    expect(revoked.json.code).toBe('CLIENT_STATE_INVALID');
  });

  it('an expired temporary state is hidden at once and swept later; frame fingerprints are swept after 30 days', async () => {
    const user = await signUp(app);
    await enroll(user, 'a', 'temporary');
    app.clock.advance(3601);
    expect((await app.twofold.devices.list({ userId: user.userId })).map((d) => d.type)).toEqual(['passkey']);
    expect((await store.listDevices(user.userId)).map((d) => d.type).sort()).toEqual(['passkey', 'temporary']);
    const seen = async () =>
      Number(
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM face_frames_seen WHERE user_id = $1', [user.userId])).rows[0]!.n,
      );
    expect(await seen()).toBe(4);
    await app.twofold.sweep();
    expect((await store.listDevices(user.userId)).map((d) => d.type)).toEqual(['passkey']);
    expect(await seen()).toBe(4);
    app.clock.advance(30 * 86_400);
    await app.twofold.sweep();
    expect(await seen()).toBe(0);
  });

  it('locks after a few failed attempts', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await verify(user.userId, 'b')).json.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('FACE_MISMATCH'));
    expect(codes[5]).toBe('FACE_LOCKED');
    // Further refusals while locked add no event: a stranger cannot flood the user's trail.
    for (let i = 0; i < 3; i++) expect((await verify(user.userId, 'b')).json.code).toBe('FACE_LOCKED');
    const locked = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE user_id = $1 AND type = 'face.locked'`,
      [user.userId],
    );
    expect(locked.rows[0]!.n).toBe(1);
  });

  it('limits face checks per client address before the frames are read (invented user ids each have a fresh budget)', async () => {
    const limited = createTestApp(store, {
      secretKeys,
      faceAnalyzer: analyzer,
      faceChecksPerAddress: { points: 2, durationSeconds: 600 },
      http: { clientAddress: () => '203.0.113.9' },
    });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const userId = `invented${i}xxxxxxxxxxxxxx`;
      const ch = await limited.call('POST', '/face/challenge', { userId, purpose: 'verify' });
      answers.push(
        await limited.call('POST', '/face/verify', {
          challengeId: ch.json.challengeId,
          userId,
          evidence: { version: 2, challengeId: ch.json.challengeId, frames: [] },
        }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([400, 400, 429]);
    expect(answers[2]!.json.code).toBe('RATE_LIMITED');
  });

  it('a face challenge expires after two minutes', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    const ch = await challenge(user.userId, 'verify');
    expect(new Date(ch.json.expiresAt).getTime() - app.clock.now().getTime()).toBe(120_000);
    app.clock.advance(121);
    const late = await send(user.userId, ch.json.challengeId, await evidence(ch.json, 'a'));
    expect(late.json.code).toBe('CHALLENGE_EXPIRED');
  });

  it('a busy analyzer answers FACE_BUSY (503, Retry-After) before the challenge is consumed, never after (issue 21)', async () => {
    const user = await signUp(app);
    await enroll(user, 'a');
    // 1. Full: the answer would come later than the bound. Nothing is consumed.
    const full = boundedAnalyzer();
    const fullApp = createTestApp(store, { secretKeys, faceAnalyzer: full, now: app.clock.now });
    try {
      // Work ahead of this check (a lone check is always admitted): 64 frames take far longer than 3 s.
      const held = full.admit({ frames: 64 });
      const ch = await challenge(user.userId, 'verify');
      const ev = await evidence(ch.json, 'a');
      const refused = await send(user.userId, ch.json.challengeId, ev, undefined, fullApp);
      expect(refused.status).toBe(503);
      expect(refused.json.code).toBe('FACE_BUSY');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      held.cancel();
      // the challenge is still there once the queue has room
      expect((await send(user.userId, ch.json.challengeId, ev, undefined, fullApp)).status).toBe(200);
    } finally {
      await full.close();
    }
    // 2. The pool fills between the admission and the analysis (other checks arrive while this
    // one consumes its challenge): this check kept its place and is answered.
    const analyzer2 = boundedAnalyzer();
    let filled = 0;
    const racing: Store = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'consumeCeremony') {
          return async (id: string) => {
            const record = await target.consumeCeremony(id);
            if (record?.kind === 'face') {
              // Everything that can still be admitted is admitted now, by "other" checks.
              for (;;) {
                try {
                  analyzer2.admit({ frames: 4 });
                  filled++;
                } catch {
                  break;
                }
              }
            }
            return record;
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    try {
      const racingApp = createTestApp(racing, { secretKeys, faceAnalyzer: analyzer2, now: app.clock.now });
      const ch = await challenge(user.userId, 'verify');
      const ok = await send(user.userId, ch.json.challengeId, await evidence(ch.json, 'a'), undefined, racingApp);
      expect(filled).toBeGreaterThan(0);
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    } finally {
      await analyzer2.close();
    }
  });

  it('validates evidence shape and bounds before anything is decoded', async () => {
    const user = await signUp(app);
    const ch = await challenge(user.userId, 'verify');
    const id = ch.json.challengeId;
    const image = await frame('a', 'neutral');
    for (const bad of [
      { version: 1, frames: 'x' },
      { version: 2, challengeId: id, frames: [{ pose: 'neutral', image }] }, // one frame
      { version: 2, challengeId: id, frames: Array(9).fill({ pose: 'neutral', image }) }, // too many
      {
        version: 2,
        challengeId: id,
        frames: [
          { pose: 'neutral', image },
          { pose: 'nod', image },
        ],
      },
      {
        version: 2,
        challengeId: id,
        frames: [
          { pose: 'neutral', image },
          { pose: 'turn_left', image: 'not base64!' },
        ],
      },
      {
        version: 2,
        challengeId: id,
        frames: [
          { pose: 'neutral', image },
          { pose: 'turn_left', image: 'A'.repeat(131_076) },
        ],
      },
    ]) {
      const res = await send(user.userId, id, bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(res.json.code).toBe('INVALID_REQUEST');
    }
  });

  it('without an analyzer the face routes answer NOT_CONFIGURED', async () => {
    const bare = createTestApp(store, { secretKeys });
    const user = await signUp(bare);
    expect((await bare.call('POST', '/face/challenge', { userId: user.userId, purpose: 'verify' })).json.code).toBe('NOT_CONFIGURED');
  });
});
