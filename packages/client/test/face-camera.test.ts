import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, fakeCameraArgs, findChromium } from '@twofold/testing';
import { chromium, type Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceServer, writeSampleFaceCamera } from '../bench/face-server.js';

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

describe('face engine on a fake camera', () => {
  it('finds the face in every frame and sees the scripted head turns as yaw', async () => {
    const out = await writeSampleFaceCamera({
      browser,
      url,
      sample: 'sample5.jpg',
      out: join(dir, 'sample5.y4m'),
      script: [
        { motion: 'static', seconds: 1 },
        { motion: 'turn-left', seconds: 1.5 },
        { motion: 'static', seconds: 0.5 },
        { motion: 'turn-right', seconds: 1.5 },
      ],
    });

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
      console.log(
        `[face-camera] ${frames.length} frames in 6 s, face in ${seen.length}; yaw min ${Math.min(...yaws).toFixed(3)} max ${Math.max(...yaws).toFixed(3)}`,
      );
      expect(seen.length / frames.length).toBeGreaterThan(0.9);
      // Enough samples to catch both turns; speed is measured by `pnpm bench:tracking`, not here.
      expect(frames.length).toBeGreaterThanOrEqual(10);
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
