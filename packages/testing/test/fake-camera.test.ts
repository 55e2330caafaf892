import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../src/chromium.js';
import { fakeCameraArgs, writeFakeCameraY4m } from '../src/fake-camera.js';

let browser: Browser;
let dir: string;
let image: Uint8Array;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  dir = await mkdtemp(join(tmpdir(), 'twofold-fakecam-'));
  // A test card: left half red, right half blue, a white square in the middle.
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(async () => {
    const c = new OffscreenCanvas(400, 300);
    const g = c.getContext('2d')!;
    g.fillStyle = '#ff0000';
    g.fillRect(0, 0, 200, 300);
    g.fillStyle = '#0000ff';
    g.fillRect(200, 0, 200, 300);
    g.fillStyle = '#ffffff';
    g.fillRect(170, 120, 60, 60);
    const blob = await c.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  });
  await page.close();
  image = Buffer.from(dataUrl, 'base64');
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

const W = 320;
const H = 240;
const FRAME = W * H * 1.5;

function frames(file: Buffer): Buffer[] {
  const header = file.indexOf(0x0a);
  const out: Buffer[] = [];
  for (let p = header + 1; p < file.length; p += 6 + FRAME) out.push(file.subarray(p + 6, p + 6 + FRAME));
  return out;
}

describe('fake camera (.y4m from a still image)', () => {
  it('writes a C420jpeg stream with one frame per script step, and the motion changes the frames', async () => {
    const out = join(dir, 'scripted.y4m');
    const result = await writeFakeCameraY4m(browser, {
      image,
      out,
      width: W,
      height: H,
      fps: 10,
      script: [{ motion: 'static', seconds: 0.5 }, { motion: 'pan' }, { motion: 'zoom' }, { motion: 'turn-left' }],
    });
    expect(result.frames).toBe(5 + 10 + 10 + 10);
    const file = await readFile(out);
    expect(file.subarray(0, file.indexOf(0x0a)).toString()).toBe(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg`);
    expect(file.length).toBe(file.indexOf(0x0a) + 1 + result.frames * (6 + FRAME));
    const f = frames(file);
    expect(f[0]!.equals(f[4]!)).toBe(true); // static: identical frames
    expect(f[0]!.equals(f[7]!)).toBe(false); // pan moved it
    expect(f[15]!.equals(f[24]!)).toBe(false); // zoom changed it
  });

  it('blinks by covering the eyes for the middle frames of the segment', async () => {
    const out = join(dir, 'blink.y4m');
    // The left eye sits on the red/blue edge just above the white square, whose colour it takes.
    const eyes = { left: { x: 200, y: 112 }, right: { x: 240, y: 112 } };
    await writeFakeCameraY4m(browser, { image, out, width: W, height: H, fps: 10, eyes, script: [{ motion: 'blink' }] });
    const f = frames(await readFile(out));
    expect(f[0]!.equals(f[9]!)).toBe(true); // eyes open at both ends
    expect(f[0]!.equals(f[5]!)).toBe(false); // closed in the middle
  });

  it('refuses a blink without eye positions, odd sizes and unknown image formats', async () => {
    await expect(writeFakeCameraY4m(browser, { image, out: join(dir, 'x.y4m'), script: [{ motion: 'blink' }] })).rejects.toThrow(/eyes/);
    await expect(
      writeFakeCameraY4m(browser, { image, out: join(dir, 'x.y4m'), width: 321, script: [{ motion: 'static' }] }),
    ).rejects.toThrow(/even/);
    await expect(
      writeFakeCameraY4m(browser, { image: new Uint8Array([1, 2, 3]), out: join(dir, 'x.y4m'), script: [{ motion: 'static' }] }),
    ).rejects.toThrow(/PNG/);
  });

  it('is what getUserMedia returns in Chromium launched with fakeCameraArgs', async () => {
    const out = join(dir, 'still.y4m');
    await writeFakeCameraY4m(browser, { image, out, width: W, height: H, script: [{ motion: 'static', seconds: 1 }] });
    const server: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><video id="v" muted playsinline></video>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const camera = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(out)] });
    try {
      const page = await camera.newPage();
      await page.goto(`http://localhost:${(server.address() as { port: number }).port}/`);
      const pixels = await page.evaluate(async () => {
        const video = document.querySelector('video')!;
        video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
        await video.play();
        await new Promise((r) => setTimeout(r, 300));
        const c = document.createElement('canvas');
        c.width = video.videoWidth;
        c.height = video.videoHeight;
        const g = c.getContext('2d')!;
        g.drawImage(video, 0, 0);
        const at = (x: number, y: number) =>
          Array.from(g.getImageData(Math.round(x * c.width), Math.round(y * c.height), 1, 1).data.slice(0, 3));
        return { size: [c.width, c.height], left: at(0.2, 0.5), right: at(0.8, 0.5), middle: at(0.5, 0.5) };
      });
      expect(pixels.size).toEqual([W, H]);
      const [lr, , lb] = pixels.left as [number, number, number];
      const [rr, , rb] = pixels.right as [number, number, number];
      expect(lr).toBeGreaterThan(180);
      expect(lb).toBeLessThan(80);
      expect(rb).toBeGreaterThan(180);
      expect(rr).toBeLessThan(80);
      expect(Math.min(...(pixels.middle as number[]))).toBeGreaterThan(200);
    } finally {
      await camera.close();
      server.close();
    }
  });
});
