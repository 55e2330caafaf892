import type { FaceAction, FaceEvidence } from '@twofold/protocol';
import type { Page } from '@playwright/test';
import { apiKey, apiPost, expect, signUpInDemo, test, uniqueName, type Camera } from './fixtures.js';

// The face factor in Chromium: the demo's client tracks a (steerable, fake) webcam, sends frames,
// and the server decides. Then the attacks: a still photo, replays of captured frames, frames made
// for another challenge, and forgeries with nothing but HTTP calls. One test in steps: every attack
// is on the account enrolled in the first step (and uses up its face attempts, as designed).
const FACE = { timeout: 90_000, intervals: [500] };

test('face: enroll and verify from a webcam, the server deciding on the frames', async ({ device }) => {
  test.setTimeout(900_000); // five face checks of up to 90 s each on a busy 2-core machine
  let session: string; // person A's session, copied to the other "devices"
  let userId: string;
  let recorded: { challengeId: string; evidence: FaceEvidence } | null = null;

  /** A device whose webcam shows `camera`, signed in as person A. */
  async function asA(camera: Camera): Promise<Page> {
    const { page } = await device({ camera });
    await page.evaluate((s) => sessionStorage.setItem('twofold.session', s), session);
    await page.reload();
    return page;
  }
  const challenge = async () => (await apiPost('/face/challenge', { userId, purpose: 'verify' })).json as { challengeId: string; actions: FaceAction[] };
  /** A new challenge whose action order differs from `actions`. */
  async function challengeOtherThan(actions: FaceAction[]) {
    for (;;) {
      const ch = await challenge();
      if (ch.actions.join() !== actions.join()) return ch;
    }
  }

  await test.step('enrolls person A, then verifies A (the camera follows the challenge)', async () => {
    const { page } = await device({ camera: 'a' });
    await signUpInDemo(page, undefined, 'Face Owner');
    await page.getByRole('button', { name: 'Enroll my face' }).click();
    await expect.poll(() => page.locator('.notice').textContent(), FACE).toContain('face is enrolled');
    await page.route('**/api/v1/face/verify', async (route) => {
      recorded = route.request().postDataJSON();
      await route.continue();
    });
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), FACE).toContain('It is you');
    session = (await page.evaluate(() => sessionStorage.getItem('twofold.session')))!;
    userId = (JSON.parse(session) as { userId: string }).userId;
    // what the browser sent: frames (JPEG), one per pose, and no number it computed
    expect(recorded!.evidence.version).toBe(2);
    const poses = recorded!.evidence.frames.map((f) => f.pose);
    expect(poses[0]).toBe('neutral');
    expect(poses.slice(1).sort()).toEqual(['move_closer', 'turn_left', 'turn_right']);
    expect(recorded!.evidence.frames.every((f) => f.image.startsWith('/9j/'))).toBe(true);
    expect(Object.keys(recorded!.evidence).sort()).toEqual(['challengeId', 'frames', 'version']);
  });

  await test.step('refuses person B with FACE_MISMATCH', async () => {
    const page = await asA('b');
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), FACE).toContain('does not match');
  });

  await test.step('refuses a still photo of A with LIVENESS_FAILED', async () => {
    const page = await asA('photoA');
    // Awaited, not read in a 'response' listener: the body arrives over CDP after the page has it,
    // so the status could show before such a listener had set the answer.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/face/verify'), FACE);
    await page.getByRole('button', { name: 'Verify my face' }).click();
    expect((((await (await answered).json()) as { code?: string }).code)).toBe('LIVENESS_FAILED');
    await expect.poll(() => page.locator('#face-status').textContent(), FACE).toContain('live person');
  });

  await test.step('refuses the recording of the successful session: re-sent, and re-labelled for a new challenge', async () => {
    expect(recorded).not.toBeNull();
    const { challengeId, evidence } = recorded!;
    expect((await apiPost('/face/verify', { challengeId, userId, evidence })).json.code).toBe('CHALLENGE_NOT_FOUND');
    const actions = evidence.frames.slice(1).map((f) => f.pose as FaceAction);
    const next = await challengeOtherThan(actions);
    const byPose = new Map(evidence.frames.map((f) => [f.pose, f.image]));
    const replay: FaceEvidence = { version: 2, challengeId: next.challengeId, frames: (['neutral', ...next.actions] as const).map((pose) => ({ pose, image: byPose.get(pose)! })) };
    const res = await apiPost('/face/verify', { challengeId: next.challengeId, userId, evidence: replay });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: 'a frame was sent before' });
  });

  await test.step('refuses frames captured for challenge A (never sent) when sent for challenge B', async () => {
    const page = await asA('a');
    let held: { challengeId: string; evidence: FaceEvidence } | null = null;
    // The frames for A are intercepted on their way out and never reach the server.
    await page.route('**/api/v1/face/verify', async (route) => {
      held = route.request().postDataJSON();
      await route.abort();
    });
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => held, FACE).not.toBeNull();
    const forA = held!.evidence;
    const b = await challengeOtherThan(forA.frames.slice(1).map((f) => f.pose as FaceAction));
    // as captured, and with B's id written in: refused (another challenge / another order)
    expect((await apiPost('/face/verify', { challengeId: b.challengeId, userId, evidence: forA })).json).toMatchObject({ code: 'LIVENESS_FAILED', reason: 'the evidence answers another challenge' });
    const b2 = await challengeOtherThan(forA.frames.slice(1).map((f) => f.pose as FaceAction));
    expect((await apiPost('/face/verify', { challengeId: b2.challengeId, userId, evidence: { ...forA, challengeId: b2.challengeId } })).json).toMatchObject({
      code: 'LIVENESS_FAILED',
      reason: expect.stringMatching(/in this order/),
    });
  });

  await test.step('forgeries over plain HTTP get no token: absurd descriptors, a descriptor from a photo, one photo as every frame', async () => {
    // 1. and 2.: descriptor evidence (1e200 values, or a real photo's descriptor) is not a format the server takes.
    const ch = await challenge();
    const huge = Array.from({ length: 128 }, () => 1e200);
    const track = Array.from({ length: 30 }, (_, i) => ({ t: i * 66, box: { x: 200, y: 120, width: i > 20 ? 220 : 150, height: 180 }, yaw: i > 5 && i < 12 ? -0.3 : i > 12 && i < 18 ? 0.3 : 0, eyeOpenness: 0.3 }));
    for (const descriptors of [[huge, huge, huge], Array.from({ length: 3 }, () => Array.from({ length: 128 }, (_, k) => Math.sin(k) * 0.08))]) {
      const res = await apiPost('/face/verify', { challengeId: ch.challengeId, userId, evidence: { version: 1, challengeId: ch.challengeId, frame: { width: 640, height: 480 }, frames: track, descriptors } });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_REQUEST');
    }
    // 3. A's recorded neutral frame as every frame: not a live session. Tried on an account of
    // its own (liveness is judged before any template): the refusals above have used up A's five
    // face attempts, so A's face factor is locked by now (FACE_LOCKED, as designed).
    const photo = recorded!.evidence.frames[0]!.image;
    const asFrames = (c: { challengeId: string; actions: FaceAction[] }): FaceEvidence => ({
      version: 2,
      challengeId: c.challengeId,
      frames: (['neutral', ...c.actions] as const).map((pose) => ({ pose, image: photo })),
    });
    const other = await apiPost('/users', { username: uniqueName('photo') }, apiKey());
    expect(other.status).toBe(201);
    const ch2 = (await apiPost('/face/challenge', { userId: other.json.userId, purpose: 'verify' })).json as { challengeId: string; actions: FaceAction[] };
    const res = await apiPost('/face/verify', { challengeId: ch2.challengeId, userId: other.json.userId, evidence: asFrames(ch2) });
    // Refused before any model runs: the same bytes twice are a replay (and A's frame was seen
    // in the first test); a fresh still photo is refused on the poses (the still camera above).
    expect(res.json).toMatchObject({ code: 'LIVENESS_FAILED', reason: 'a frame was sent before' });
  });
});
