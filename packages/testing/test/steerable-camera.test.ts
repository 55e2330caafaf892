import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../src/chromium.js';
import type { FacePose } from '../src/face-poses.js';
import { installSteerableCamera, type SteerableCameraOptions } from '../src/steerable-camera.js';

// Each pose is a flat colour here, so the page can tell which pose the camera shows from the
// video's pixels; face-poses.test.ts checks that real rendered poses read as those poses.
const COLOURS: Record<FacePose, [number, number, number]> = {
  neutral: [200, 40, 40],
  turn_left: [40, 200, 40],
  turn_right: [40, 40, 200],
  move_closer: [200, 200, 40],
};
const ORIGIN = 'http://localhost:9'; // localhost is a secure context; page.route answers, nothing listens

const PAGE = `<!doctype html><video id="v" autoplay muted playsinline></video><script>
window.samples = [];
window.start = async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640 } });
  const v = document.getElementById('v');
  v.srcObject = stream;
  await v.play();
  const c = document.createElement('canvas');
  c.width = 32; c.height = 24;
  const g = c.getContext('2d', { willReadFrequently: true });
  setInterval(() => {
    g.drawImage(v, 0, 0, 32, 24, 0, 0, 32, 24); // an unscaled corner: the noise survives
    const d = g.getImageData(0, 0, 32, 24).data;
    let r = 0, gg = 0, b = 0;
    for (let i = 0; i < d.length; i += 4) { r += d[i]; gg += d[i + 1]; b += d[i + 2]; }
    const n = d.length / 4;
    window.samples.push({ t: Date.now(), rgb: [r / n, gg / n, b / n], key: Array.from(d.subarray(0, 64)).join(',') });
  }, 40);
  const devices = await navigator.mediaDevices.enumerateDevices();
  return { label: stream.getVideoTracks()[0].label, cameras: devices.filter((d) => d.kind === 'videoinput').length, width: v.videoWidth };
};
window.challengeByFetch = (path) => fetch(path, { method: 'POST' }).then((r) => r.json());
window.challengeByXhr = (path) => new Promise((resolve) => {
  const x = new XMLHttpRequest();
  x.open('POST', path);
  x.onload = () => resolve(JSON.parse(x.responseText));
  x.send();
});
</script>`;

let browser: Browser;
let person: SteerableCameraOptions['person'];
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const frame = ([r, g, b]: [number, number, number]) =>
    sharp({ create: { width: 160, height: 120, channels: 3, background: { r, g, b } } })
      .jpeg({ quality: 95 })
      .toBuffer();
  person = {
    neutral: [await frame(COLOURS.neutral)],
    turn_left: [await frame(COLOURS.turn_left)],
    turn_right: [await frame(COLOURS.turn_right)],
    move_closer: [await frame(COLOURS.move_closer)],
  };
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function open(
  options: Omit<SteerableCameraOptions, 'person'>,
): Promise<{ context: BrowserContext; page: Page; camera: Awaited<ReturnType<typeof installSteerableCamera>> }> {
  const context = await browser.newContext();
  const camera = await installSteerableCamera(context, { person, ...options });
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (path === '/face/challenge')
      return route.fulfill({ json: { challengeId: 'c1', actions: ['turn_right', 'move_closer'], expiresAt: '2099-01-01T00:00:00Z' } });
    if (path === '/recovery/start')
      return route.fulfill({ json: { recoveryId: 'r1', face: { challenge: { challengeId: 'c2', actions: ['turn_left'] } } } });
    return route.fulfill({ status: 404, json: { title: 'not found' } });
  });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
  return { context, page, camera };
}

function nearest(rgb: number[]): FacePose {
  let best: FacePose = 'neutral';
  let bestD = Infinity;
  for (const [pose, c] of Object.entries(COLOURS) as [FacePose, number[]][]) {
    const d = Math.hypot(rgb[0]! - c[0]!, rgb[1]! - c[1]!, rgb[2]! - c[2]!);
    if (d < bestD) [best, bestD] = [pose, d];
  }
  return best;
}

/** The poses the page saw from time `since` on, consecutive repeats collapsed. */
async function seen(page: Page, since: number): Promise<FacePose[]> {
  const samples = await page.evaluate(() => (window as unknown as { samples: { t: number; rgb: number[] }[] }).samples);
  const poses = samples.filter((s) => s.t >= since).map((s) => nearest(s.rgb));
  return poses.filter((p, i) => i === 0 || p !== poses[i - 1]);
}

/** The same, from the first neutral on: the pose shown when a challenge arrives may linger a frame. */
async function seenFromNeutral(page: Page, since: number): Promise<FacePose[]> {
  const poses = await seen(page, since);
  return poses.slice(Math.max(0, poses.indexOf('neutral')));
}

const now = (page: Page) => page.evaluate(() => Date.now());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('steerable camera (Chromium)', () => {
  it('follow: plays the challenged actions in order, between neutral poses, and restarts on a nested challenge (XHR)', async () => {
    const { context, page, camera } = await open({ mode: 'follow', holdMs: 300 });
    try {
      const info = await page.evaluate(() =>
        (window as unknown as { start(): Promise<{ label: string; cameras: number; width: number }> }).start(),
      );
      expect(info).toEqual({ label: 'Twofold steerable camera', cameras: 1, width: 160 });
      await sleep(300);
      expect(await seen(page, 0)).toEqual(['neutral']);

      const t1 = await now(page);
      await page.evaluate(() =>
        (window as unknown as { challengeByFetch(p: string): Promise<unknown> }).challengeByFetch('/face/challenge'),
      );
      // Polled: the page's timers run late on a loaded machine; the script repeats until the stream stops.
      await expect
        .poll(async () => (await seenFromNeutral(page, t1)).slice(0, 6), { timeout: 15_000 })
        .toEqual(['neutral', 'turn_right', 'neutral', 'move_closer', 'neutral', 'turn_right']);

      const t2 = await now(page);
      await page.evaluate(() => (window as unknown as { challengeByXhr(p: string): Promise<unknown> }).challengeByXhr('/recovery/start'));
      await expect
        .poll(async () => (await seenFromNeutral(page, t2)).slice(0, 4), { timeout: 15_000 })
        .toEqual(['neutral', 'turn_left', 'neutral', 'turn_left']);

      const events = camera.events();
      expect(events.filter((e) => e.type === 'challenge').map((e) => e.type === 'challenge' && [e.challengeId, e.actions])).toEqual([
        ['c1', ['turn_right', 'move_closer']],
        ['c2', ['turn_left']],
      ]);
      // The first neutral is held twice as long (two steps: the page frames the face first).
      const c1 = events.filter((e) => e.type === 'pose' && e.challengeId === 'c1').map((e) => e.type === 'pose' && e.pose);
      expect(c1.slice(0, 6)).toEqual(['neutral', 'neutral', 'turn_right', 'neutral', 'move_closer', 'neutral']);
      expect(c1.slice(1, 6)).toEqual(['neutral', 'turn_right', 'neutral', 'move_closer', 'neutral']);
      expect(events.some((e) => e.type === 'stream' && e.state === 'started' && e.width === 160)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('still: never turns, whatever the challenge; every frame differs (noise); show() steers by hand', async () => {
    const { context, page, camera } = await open({ mode: 'still', holdMs: 200 });
    try {
      await page.evaluate(() => (window as unknown as { start(): Promise<unknown> }).start());
      await page.evaluate(() =>
        (window as unknown as { challengeByFetch(p: string): Promise<unknown> }).challengeByFetch('/face/challenge'),
      );
      await sleep(1500);
      expect(await seen(page, 0)).toEqual(['neutral']);
      const keys = await page.evaluate(() => (window as unknown as { samples: { key: string }[] }).samples.map((s) => s.key));
      expect(keys.length).toBeGreaterThan(10);
      // Sampling (25/s) outpaces the stream (15/s), so neighbours may share a frame; distinct frames never repeat.
      expect(new Set(keys).size).toBeGreaterThan(keys.length / 3);

      const t = await now(page);
      await camera.show('turn_left');
      await expect.poll(async () => (await seen(page, t)).at(-1), { timeout: 10_000 }).toBe('turn_left');
      expect(await seen(page, t)).toEqual(expect.arrayContaining(['turn_left']));
      expect((await seen(page, t)).every((p) => p === 'neutral' || p === 'turn_left')).toBe(true);
      expect(
        camera
          .events()
          .filter((e) => e.type === 'pose' && e.cause === 'manual')
          .map((e) => e.type === 'pose' && e.pose),
      ).toEqual(['turn_left']);
    } finally {
      await context.close();
    }
  });

  it('sequence: loops the recording regardless of the challenge', async () => {
    const { context, page } = await open({ mode: 'sequence', sequence: ['neutral', 'move_closer'], holdMs: 250 });
    try {
      await page.evaluate(() => (window as unknown as { start(): Promise<unknown> }).start());
      await page.evaluate(() =>
        (window as unknown as { challengeByFetch(p: string): Promise<unknown> }).challengeByFetch('/face/challenge'),
      );
      await expect
        .poll(async () => (await seen(page, 0)).slice(0, 5), { timeout: 15_000 })
        .toEqual(['neutral', 'move_closer', 'neutral', 'move_closer', 'neutral']);
      expect(await seen(page, 0)).not.toContain('turn_right');
    } finally {
      await context.close();
    }
  });

  it('real face frames survive the page pipeline: face-api in Node reads the poses from frames the page captured', async () => {
    const { locateFaces, descriptorDistance } = await import('../src/face-locate.js');
    const { renderFacePoses, samplePerson } = await import('../src/face-poses.js');
    const faces = await renderFacePoses(await samplePerson('a'), { poses: ['neutral', 'turn_left', 'move_closer'] });
    const context = await browser.newContext();
    const camera = await installSteerableCamera(context, { person: faces, mode: 'still' });
    try {
      await context.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
      const page = await context.newPage();
      await page.goto(`${ORIGIN}/`);
      await page.evaluate(() => (window as unknown as { start(): Promise<unknown> }).start());
      const grab = async (pose: FacePose) => {
        const t = await now(page);
        await camera.show(pose);
        await expect
          .poll(async () => (await page.evaluate(() => (window as unknown as { samples: { t: number }[] }).samples.at(-1)!.t)) > t + 400, {
            timeout: 10_000,
          })
          .toBe(true);
        const dataUrl = await page.evaluate(() => {
          const v = document.getElementById('v') as HTMLVideoElement;
          const c = document.createElement('canvas');
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          c.getContext('2d')!.drawImage(v, 0, 0);
          return c.toDataURL('image/jpeg', 0.92);
        });
        const found = await locateFaces(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
        expect(found, pose).toHaveLength(1);
        return found[0]!;
      };
      const neutral = await grab('neutral');
      const left = await grab('turn_left');
      const closer = await grab('move_closer');
      expect(neutral.box.width / 640).toBeGreaterThan(0.17);
      expect(left.yaw).toBeLessThanOrEqual(neutral.yaw - 0.15);
      expect(closer.box.width).toBeGreaterThanOrEqual(1.25 * neutral.box.width);
      expect(descriptorDistance(neutral.descriptor, left.descriptor)).toBeLessThan(0.5);
    } finally {
      await context.close();
    }
  }, 90_000); // loads tfjs; ≈ 8 s alone, slower on a shared machine

  it('refuses nonsense options', async () => {
    const context = await browser.newContext();
    try {
      await expect(installSteerableCamera(context, { person: { neutral: [] } })).rejects.toThrow(/neutral/);
      await expect(installSteerableCamera(context, { person, holdMs: Number.NaN })).rejects.toThrow(/holdMs/);
      await expect(installSteerableCamera(context, { person, mode: 'sequence', sequence: ['wave' as FacePose] })).rejects.toThrow(
        /sequence/,
      );
    } finally {
      await context.close();
    }
  });
});
