import { describe, expect, it } from 'vitest';
import { useCameraDevices, type Camera } from './cameras.js';
import { baseUrl, signUpInDemo } from './helpers.js';

const cameras = useCameraDevices();
/** A device whose webcam shows `camera`. */
const deviceWithCamera = async (camera: Camera) => (await cameras.device(camera)).page;

let session: string; // person A's session, copied to the other "devices"
let verifyBody: string | null = null;

describe('face: enroll and verify from a (fake) webcam, with challenge-response liveness', () => {
  it('enrolls person A, then verifies A', async () => {
    const page = await deviceWithCamera('a');
    await signUpInDemo(page, undefined, 'Face Owner');
    await page.getByRole('button', { name: 'Enroll my face' }).click();
    await expect.poll(() => page.locator('.notice').textContent(), { timeout: 60_000, interval: 500 }).toContain('face is enrolled');
    await page.route('**/api/v1/face/verify', async (route) => {
      verifyBody = route.request().postData();
      await route.continue();
    });
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), { timeout: 60_000, interval: 500 }).toContain('It is you');
    session = (await page.evaluate(() => sessionStorage.getItem('twofold.session')))!;
  }, 150_000);

  it('refuses person B with FACE_MISMATCH', async () => {
    const page = await deviceWithCamera('b');
    await page.evaluate((s) => sessionStorage.setItem('twofold.session', s), session);
    await page.reload();
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), { timeout: 60_000, interval: 500 }).toContain('does not match');
  }, 120_000);

  it('refuses a still photo of A with LIVENESS_FAILED', async () => {
    const page = await deviceWithCamera('photoA');
    await page.evaluate((s) => sessionStorage.setItem('twofold.session', s), session);
    await page.reload();
    let answer = '';
    page.on('response', async (r) => {
      if (r.url().endsWith('/api/v1/face/verify')) answer = ((await r.json()) as { code?: string }).code ?? 'ok';
    });
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), { timeout: 60_000, interval: 500 }).toContain('live person');
    expect(answer).toBe('LIVENESS_FAILED');
  }, 120_000);

  it('refuses a replayed (used) challenge', async () => {
    expect(verifyBody).not.toBeNull();
    const res = await fetch(`${baseUrl()}/api/v1/face/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: verifyBody! });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('CHALLENGE_NOT_FOUND');
  });
});
