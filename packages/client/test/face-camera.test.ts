import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, fakeCameraArgs, findChromium, writeFakeCameraY4m } from '@twofold/testing';
import { chromium, type Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR, startFaceServer } from '../bench/face-server.js';

// The real engine (face-api on WASM) watching Chromium's fake camera, fed with a face cropped
// from one of face-api's sample photos and moved by @twofold/testing's scripted motion.
let server: ViteDevServer;
let url: string;
let browser: Browser;
let dir: string;
beforeAll(async () => {
  ({ server, url } = await startFaceServer());
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  dir = await mkdtemp(join(tmpdir(), 'twofold-face-'));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const mean = (pts: { x: number; y: number }[]) => ({ x: pts.reduce((s, p) => s + p.x, 0) / pts.length, y: pts.reduce((s, p) => s + p.y, 0) / pts.length });

describe('face engine on a fake camera', () => {
  it('finds the face in every frame and sees the scripted head turns as yaw', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    const faces = (await page.evaluate((u) => (window as any).findFaces(u), '/samples/sample5.jpg')) as {
      box: { x: number; y: number; width: number; height: number };
      landmarks: { x: number; y: number }[];
    }[];
    expect(faces.length).toBeGreaterThan(0);
    // The most frontal face: turns then move the yaw proxy both ways.
    const face = [...faces].sort((a, b) => Math.abs((a as any).yaw) - Math.abs((b as any).yaw))[0]!;
    const eyes = { left: mean(face.landmarks.slice(36, 42)), right: mean(face.landmarks.slice(42, 48)) };
    const side = face.box.width * 2.6;
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    const crop = { x: Math.max(0, cx - side / 2), y: Math.max(0, cy - (side * 0.75) / 2), width: side, height: side * 0.75 };
    const out = join(dir, 'sample5.y4m');
    await writeFakeCameraY4m(browser, {
      image: await readFile(join(SAMPLE_DIR, 'sample5.jpg')),
      out,
      crop,
      eyes,
      fps: 10,
      script: [
        { motion: 'static', seconds: 1 },
        { motion: 'turn-left', seconds: 1.5 },
        { motion: 'static', seconds: 0.5 },
        { motion: 'turn-right', seconds: 1.5 },
      ],
    });
    await page.close();

    const camera = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(out)] });
    try {
      const p = await camera.newPage();
      await p.goto(url);
      await p.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
      const { frames, size } = (await p.evaluate(() => (window as any).track(6000))) as {
        frames: { t: number; yaw: number | null; box: unknown }[];
        size: number[];
      };
      expect(size).toEqual([640, 480]);
      const seen = frames.filter((f) => f.yaw !== null);
      const yaws = seen.map((f) => f.yaw!);
      console.log(`[face-camera] ${frames.length} frames in 6 s, face in ${seen.length}; yaw min ${Math.min(...yaws).toFixed(3)} max ${Math.max(...yaws).toFixed(3)}`);
      expect(seen.length / frames.length).toBeGreaterThan(0.9);
      expect(frames.length).toBeGreaterThan(30); // ≥ 5 frames/s while tracking
      expect(Math.max(...yaws) - Math.min(...yaws)).toBeGreaterThan(0.2);
      // both directions register past the liveness threshold (measured: about -0.19 and +0.3)
      const neutral = yaws.slice(0, 3).sort((a, b) => a - b)[1]!;
      expect(Math.min(...yaws)).toBeLessThan(neutral - 0.12);
      expect(Math.max(...yaws)).toBeGreaterThan(neutral + 0.12);
    } finally {
      await camera.close();
    }
  }, 120_000);
});
