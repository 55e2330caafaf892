import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, fakeCameraArgs, findChromium, type FakeMotion } from '@twofold/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceServer, writeSampleFaceCamera } from '../packages/client/bench/face-server.js';
import { baseUrl, newDevice, signUpInDemo } from './helpers.js';

// Faces come from face-api's sample photos (person A: sample5, person B: sample2), cropped and
// moved by @twofold/testing's fake camera; Chromium plays them as the webcam.
const LIVE: { motion: FakeMotion; seconds: number }[] = [
  { motion: 'static', seconds: 1 },
  { motion: 'turn-left', seconds: 1.5 },
  { motion: 'static', seconds: 0.5 },
  { motion: 'turn-right', seconds: 1.5 },
  { motion: 'static', seconds: 0.5 },
  { motion: 'zoom', seconds: 1.2 },
  { motion: 'static', seconds: 0.5 },
];
let dir: string;
const cams: Record<'a' | 'b' | 'photoA', string> = { a: '', b: '', photoA: '' };
const browsers: Browser[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twofold-face-e2e-'));
  const { server, url } = await startFaceServer();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const camera = (sample: string, name: string, script: { motion: FakeMotion; seconds: number }[]) =>
      writeSampleFaceCamera({ browser, url, sample, out: join(dir, name), script });
    cams.a = await camera('sample5.jpg', 'a.y4m', LIVE);
    cams.b = await camera('sample2.jpg', 'b.y4m', LIVE);
    cams.photoA = await camera('sample5.jpg', 'photo-a.y4m', [{ motion: 'static', seconds: 3 }]);
  } finally {
    await browser.close();
    await server.close();
  }
}, 180_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await rm(dir, { recursive: true, force: true });
});

/** A device whose webcam shows `y4m`: a browser of its own (the camera is a launch flag). */
async function deviceWithCamera(y4m: string) {
  const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(y4m)] });
  browsers.push(browser);
  return (await newDevice(browser)).page;
}

let session: string; // person A's session, copied to the other "devices"
let verifyBody: string | null = null;

describe('face: enroll and verify from a (fake) webcam, with challenge-response liveness', () => {
  it('enrolls person A, then verifies A', async () => {
    const page = await deviceWithCamera(cams.a);
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
    const page = await deviceWithCamera(cams.b);
    await page.evaluate((s) => sessionStorage.setItem('twofold.session', s), session);
    await page.reload();
    await page.getByRole('button', { name: 'Verify my face' }).click();
    await expect.poll(() => page.locator('#face-status').textContent(), { timeout: 60_000, interval: 500 }).toContain('does not match');
  }, 120_000);

  it('refuses a still photo of A with LIVENESS_FAILED', async () => {
    const page = await deviceWithCamera(cams.photoA);
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
