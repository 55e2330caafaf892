import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, fakeCameraArgs, findChromium, type FakeMotion } from '@twofold/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { startFaceServer, writeSampleFaceCamera } from '../packages/client/bench/face-server.js';
import { newDevice } from './helpers.js';

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
const CAMERAS = {
  a: { sample: 'sample5.jpg', script: LIVE },
  b: { sample: 'sample2.jpg', script: LIVE },
  photoA: { sample: 'sample5.jpg', script: [{ motion: 'static' as const, seconds: 3 }] },
};
export type Camera = keyof typeof CAMERAS;

/**
 * The fake webcam files (`.y4m`): person A performing the moves, person B performing them, and a
 * still photo of A. Written once per run into the folder global-setup provides (test files run
 * one after another), then reused.
 */
export async function faceCameras(): Promise<Record<Camera, string>> {
  const dir = inject('cameraDir');
  const paths = Object.fromEntries(Object.keys(CAMERAS).map((k) => [k, join(dir, `${k}.y4m`)])) as Record<Camera, string>;
  const missing = (Object.keys(CAMERAS) as Camera[]).filter((k) => !existsSync(paths[k]));
  if (missing.length === 0) return paths;
  const { server, url } = await startFaceServer();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    for (const k of missing) await writeSampleFaceCamera({ browser, url, sample: CAMERAS[k].sample, out: paths[k], script: CAMERAS[k].script });
  } finally {
    await browser.close();
    await server.close();
  }
  return paths;
}

/**
 * Browsers whose webcam plays a given file (the camera is a launch flag, so one browser per
 * file); each `device()` is a new context in it: a device with its own virtual authenticator.
 */
function cameraBrowsers() {
  const browsers = new Map<string, Browser>();
  return {
    async device(y4m: string) {
      let browser = browsers.get(y4m);
      if (!browser) {
        browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(y4m)] });
        browsers.set(y4m, browser);
      }
      return newDevice(browser);
    },
    async close() {
      for (const b of browsers.values()) await b.close();
    },
  };
}

/**
 * For a test file: makes (or reuses) the fake webcams before its tests and closes its camera
 * browsers after. `device('a')` opens a new device (browser context with its own virtual
 * authenticator) whose webcam shows person A.
 */
export function useCameraDevices() {
  let paths: Record<Camera, string>;
  const browsers = cameraBrowsers();
  beforeAll(async () => {
    paths = await faceCameras();
  }, 180_000);
  afterAll(() => browsers.close());
  return { device: (camera: Camera) => browsers.device(paths[camera]) };
}

