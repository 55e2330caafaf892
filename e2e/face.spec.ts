import type { FaceAction, FaceEvidence } from '@twofold/protocol';
import type { Page } from '@playwright/test';
import { apiKey, apiPost, expect, honestFaceCheck, signUpInDemo, test, uniqueName, type Camera } from './fixtures.js';
import type { TestDevice } from '@twofold/testing/playwright';

// The face factor in Chromium: the demo's client tracks a (steerable, fake) webcam, sends frames,
// and the server decides. Then the attacks: a still photo, replays of captured frames, frames made
// for another challenge, and forgeries with nothing but HTTP calls. One test in steps: every attack
// is on the account enrolled in the first step (and uses up its face attempts, as designed).
const FACE = { timeout: 90_000, intervals: [500] };

type Challenge = { challengeId: string; actions: FaceAction[]; targets: { x: number; y: number }[] };

/**
 * A device proof (purpose `face`) signed in `page` with its bound device key, as the client signs
 * one: what an attacker who controls that browser can add to frames of their choosing.
 */
async function proofIn(page: Page, userId: string) {
  return page.evaluate(async (userId) => {
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const db = await request(indexedDB.open('twofold'));
    const key = (await request(db.transaction('device-keys').objectStore('device-keys').get(userId))) as {
      keyId: string;
      privateKey: CryptoKey;
    };
    const ch = await (
      await fetch('/api/v1/device-keys/challenge', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, purpose: 'face' }),
      })
    ).json();
    const message = new TextEncoder().encode(`twofold-device-proof:v1:face:${userId}:${ch.challenge}`);
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, message));
    return {
      keyId: key.keyId,
      challengeId: ch.challengeId as string,
      signature: btoa(String.fromCharCode(...signature))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, ''),
    };
  }, userId);
}

test('face: enroll and verify from a webcam, the server deciding on the frames', async ({ device }) => {
  test.setTimeout(900_000); // five face checks of up to 90 s each on a busy 2-core machine
  let owner: Page; // person A's own browser (its device key is bound)
  let credentials: Awaited<ReturnType<TestDevice['authenticator']['credentials']>>; // A's passkey, as a provider would sync it
  let userId: string;
  let recorded: { challengeId: string; evidence: FaceEvidence } | null = null;
  let copies = 0; // browsers of A's made so far by asA()

  /**
   * Another browser of A's whose webcam shows `camera`: A's synced passkey signs in there (by
   * autofill), which binds its device key — a face sign-in needs one.
   */
  async function asA(camera: Camera): Promise<Page> {
    // Each copy signs ahead of the last one's counter: the server refuses a counter that goes
    // back (§6.1.1, a cloned authenticator), and every copy of A's passkey signs in once.
    copies += 1;
    const synced = credentials.map((c) => ({ ...c, signCount: c.signCount + 100 * copies }));
    // Held before the demo opens: a reload during the sign-in would cut off the key's binding.
    const { page } = await device({ camera, credentials: synced });
    await expect(page.locator('h1')).toHaveText('Hello, Face Owner', { timeout: 15_000 });
    // The sign-in binds this browser's device key before it resolves; a face sign-in needs it.
    await expect
      .poll(() =>
        page.evaluate(async (userId) => {
          const open = indexedDB.open('twofold');
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
          });
          const get = db.transaction('device-keys').objectStore('device-keys').get(userId);
          return new Promise<boolean>((resolve) => {
            get.onsuccess = () => resolve(Boolean(get.result?.keyId));
            get.onerror = () => resolve(false);
          });
        }, userId),
      )
      .toBe(true);
    return page;
  }
  /** A face sign-in over plain HTTP, with a device proof from A's own browser. */
  const verifyWithProof = async (body: object) => apiPost('/face/verify', { userId, ...body, deviceProof: await proofIn(owner, userId) });
  const challenge = async () => (await apiPost('/face/challenge', { userId, purpose: 'verify' })).json as Challenge;
  /** A new challenge whose action order differs from `actions`, with every target away from `targets`. */
  async function challengeOtherThan(actions: FaceAction[], targets?: Challenge['targets']) {
    for (;;) {
      const ch = await challenge();
      const far =
        !targets ||
        ch.actions.every(
          (a, i) => Math.hypot(ch.targets[i]!.x - targets[actions.indexOf(a)]!.x, ch.targets[i]!.y - targets[actions.indexOf(a)]!.y) > 0.12,
        );
      if (ch.actions.join() !== actions.join() && far) return ch;
    }
  }

  await test.step('enrolls person A, then verifies A (the camera follows the challenge)', async () => {
    const { page, authenticator } = await device({ camera: 'a' });
    owner = page;
    await signUpInDemo(page, undefined, 'Face Owner');
    credentials = await authenticator.credentials();
    await honestFaceCheck(page, {
      button: 'Enroll my face',
      passed: async () => ((await page.locator('.notice').textContent()) ?? '').includes('face is enrolled'),
      status: '#face-status',
    });
    await page.route('**/api/v1/face/verify', async (route) => {
      recorded = route.request().postDataJSON();
      await route.continue();
    });
    const verified = async () => ((await page.locator('#face-status').textContent()) ?? '').includes('It is you');
    await honestFaceCheck(page, { button: 'Verify my face', passed: verified, status: '#face-status' });
    userId = (JSON.parse((await page.evaluate(() => sessionStorage.getItem('twofold.session')))!) as { userId: string }).userId;
    // what the browser sent: frames (JPEG), one per pose, and no number it computed
    expect(recorded!.evidence.version).toBe(2);
    const poses = recorded!.evidence.frames.map((f) => f.pose);
    expect(poses[0]).toBe('neutral');
    expect(poses.slice(1).sort()).toEqual(['move_closer', 'turn_left', 'turn_right']);
    expect(recorded!.evidence.frames.every((f) => f.image.startsWith('/9j/'))).toBe(true);
    expect(Object.keys(recorded!.evidence).sort()).toEqual(['challengeId', 'frames', 'version']);
    // …with a device proof by this browser's key: a face sign-in rides on possession
    expect(Object.keys(recorded!).sort()).toEqual(['challengeId', 'deviceProof', 'evidence', 'userId']);
  });

  await test.step('A’s photo and user id from another machine get nothing (no device proof), and spend none of A’s attempts', async () => {
    // The frames of the accepted check stand in for any photo warped into the poses: they passed liveness.
    const { evidence } = recorded!;
    const ch = await challenge();
    const byPose = new Map(evidence.frames.map((f) => [f.pose, f.image]));
    const frames: FaceEvidence = {
      version: 2,
      challengeId: ch.challengeId,
      frames: (['neutral', ...ch.actions] as const).map((pose) => ({ pose, image: byPose.get(pose)! })),
    };
    for (let i = 0; i < 6; i++) {
      const res = await apiPost('/face/verify', { challengeId: ch.challengeId, userId, evidence: frames });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('DEVICE_PROOF_REQUIRED');
    }
  });

  await test.step('refuses person B with FACE_MISMATCH', async () => {
    const page = await asA('b');
    // One try: the steps below count A's face attempts up to the lock.
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), FACE).toContain('does not match');
  });

  await test.step('refuses a still photo of A with LIVENESS_FAILED', async () => {
    const page = await asA('photoA');
    // Awaited, not read in a 'response' listener: the body arrives over CDP after the page has it,
    // so the status could show before such a listener had set the answer.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/face/verify'), FACE);
    await page.getByRole('button', { name: 'Verify my face' }).click();
    expect(((await (await answered).json()) as { code?: string }).code).toBe('LIVENESS_FAILED');
    await expect.poll(() => page.locator('#face-status').textContent(), FACE).toContain('live person');
  });

  await test.step('refuses the recording of the successful session: re-sent, and re-labelled for a new challenge', async () => {
    expect(recorded).not.toBeNull();
    const { challengeId, evidence } = recorded!;
    expect((await verifyWithProof({ challengeId, evidence })).json.code).toBe('CHALLENGE_NOT_FOUND');
    const actions = evidence.frames.slice(1).map((f) => f.pose as FaceAction);
    const next = await challengeOtherThan(actions);
    const byPose = new Map(evidence.frames.map((f) => [f.pose, f.image]));
    const replay: FaceEvidence = {
      version: 2,
      challengeId: next.challengeId,
      frames: (['neutral', ...next.actions] as const).map((pose) => ({ pose, image: byPose.get(pose)! })),
    };
    const res = await verifyWithProof({ challengeId: next.challengeId, evidence: replay });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: 'a frame was sent before' });
  });

  await test.step('refuses frames captured for challenge A (never sent) when sent for challenge B: as they are, or re-ordered and re-labelled', async () => {
    const page = await asA('a');
    let held: { challengeId: string; evidence: FaceEvidence } | null = null;
    // The frames for A are intercepted on their way out and never reach the server.
    await page.route('**/api/v1/face/verify', async (route) => {
      held = route.request().postDataJSON();
      await route.abort();
    });
    const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/face/challenge'), FACE);
    await page.getByRole('button', { name: 'Verify my face' }).click();
    const a = (await (await issued).json()) as Challenge;
    await expect.poll(() => held, FACE).not.toBeNull();
    const forA = held!.evidence;
    expect(forA.challengeId).toBe(a.challengeId);
    // B asks another order, with every target away from A's (the chance of a close one is measured in evidence.test.ts)
    const b = await challengeOtherThan(a.actions, a.targets);
    expect((await verifyWithProof({ challengeId: b.challengeId, evidence: forA })).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: 'the evidence answers another challenge',
    });
    const byPose = new Map(forA.frames.map((f) => [f.pose, f.image]));
    const b2 = await challengeOtherThan(a.actions, a.targets);
    const relabelled: FaceEvidence = {
      version: 2,
      challengeId: b2.challengeId,
      frames: (['neutral', ...b2.actions] as const).map((pose) => ({ pose, image: byPose.get(pose)! })),
    };
    expect((await verifyWithProof({ challengeId: b2.challengeId, evidence: relabelled })).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: expect.stringMatching(/does not have the face at the target/),
    });
  });

  await test.step('forgeries over plain HTTP get no token: absurd descriptors, a descriptor from a photo, one photo as every frame', async () => {
    // 1. and 2.: descriptor evidence (1e200 values, or a real photo's descriptor) is not a format the server takes.
    const ch = await challenge();
    const huge = Array.from({ length: 128 }, () => 1e200);
    const track = Array.from({ length: 30 }, (_, i) => ({
      t: i * 66,
      box: { x: 200, y: 120, width: i > 20 ? 220 : 150, height: 180 },
      yaw: i > 5 && i < 12 ? -0.3 : i > 12 && i < 18 ? 0.3 : 0,
      eyeOpenness: 0.3,
    }));
    for (const descriptors of [
      [huge, huge, huge],
      Array.from({ length: 3 }, () => Array.from({ length: 128 }, (_, k) => Math.sin(k) * 0.08)),
    ]) {
      const res = await apiPost('/face/verify', {
        challengeId: ch.challengeId,
        userId,
        evidence: { version: 1, challengeId: ch.challengeId, frame: { width: 640, height: 480 }, frames: track, descriptors },
      });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_REQUEST');
    }
    // 3. A's recorded neutral frame as every frame, for an account whose browser the attacker does
    // not hold: refused before any frame is read (no device proof). (The refusals above have used up
    // A's five face attempts with A's own device proof, so A's face factor is locked by now.)
    const photo = recorded!.evidence.frames[0]!.image;
    const asFrames = (c: { challengeId: string; actions: FaceAction[] }): FaceEvidence => ({
      version: 2,
      challengeId: c.challengeId,
      frames: (['neutral', ...c.actions] as const).map((pose) => ({ pose, image: photo })),
    });
    const other = await apiPost('/users', { username: uniqueName('photo') }, apiKey());
    expect(other.status).toBe(201);
    const ch2 = (await apiPost('/face/challenge', { userId: other.json.userId, purpose: 'verify' })).json as {
      challengeId: string;
      actions: FaceAction[];
    };
    const res = await apiPost('/face/verify', { challengeId: ch2.challengeId, userId: other.json.userId, evidence: asFrames(ch2) });
    expect(res.json).toMatchObject({ status: 401, code: 'DEVICE_PROOF_REQUIRED' });
    const ch3 = await challenge();
    expect((await verifyWithProof({ challengeId: ch3.challengeId, evidence: asFrames(ch3) })).json.code).toBe('FACE_LOCKED');
  });
});
