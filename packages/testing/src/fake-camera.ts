import { readFile, writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { drawFakeMotion } from './camera-drawing.js';

/**
 * A scripted movement of the picture in front of the fake camera. All of them are 2D
 * transformations of one still image, and that is what they emulate — honestly:
 * - `static`: a photo (or a screen) held perfectly still in front of the camera.
 * - `pan`: the same photo moved left and right.
 * - `zoom`: the photo brought closer (scaled up around the face).
 * - `turn-left` / `turn-right`: a head turn *approximated* by squeezing the face horizontally,
 *   shifting it, and (with `eyes`) sliding the part below the eyes sideways against them, so the
 *   nose moves relative to the eyes as in a turn — but no side of the head ever appears.
 * - `blink`: the eyes covered with skin-coloured ellipses for a few frames (needs `eyes`).
 * A real liveness check should pass on `turn-*` and `blink` only as far as it trusts 2D
 * landmark geometry; none of these emulate depth, texture or a second person.
 */
export type FakeMotion = 'static' | 'pan' | 'zoom' | 'turn-left' | 'turn-right' | 'blink';

export interface FakeCameraOptions {
  /** The face image: a file path or the bytes of a PNG/JPEG (anything Chromium decodes). */
  image: string | Uint8Array;
  /** Where to write the `.y4m` file (Chromium's `--use-file-for-fake-video-capture`). */
  out: string;
  /** Segments played in order; each lasts `seconds` (default 1). */
  script: readonly { motion: FakeMotion; seconds?: number }[];
  /** Output size. Default 640×480. Must be even. */
  width?: number;
  height?: number;
  /** Frames per second. Default 10. */
  fps?: number;
  /** Part of the image to show (the face and some margin), in image pixels. Default: all, letterboxed. */
  crop?: { x: number; y: number; width: number; height: number };
  /** Eye centres in image pixels: needed for `blink`, and for a convincing `turn-*`. */
  eyes?: { left: { x: number; y: number }; right: { x: number; y: number } };
}

/**
 * Renders a face image into a YUV4MPEG2 (`C420jpeg`) stream for Chromium's fake capture
 * device, with scripted motion. Frames are drawn on a canvas in `browser` (no image libraries in
 * Node) and converted to YUV 4:2:0 with BT.601 full-range coefficients, as `C420jpeg` expects.
 * Chromium loops the file, so end the script on a pose the test can start from.
 * @returns the number of frames written.
 */
export async function writeFakeCameraY4m(browser: Browser, options: FakeCameraOptions): Promise<{ frames: number; path: string }> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const fps = options.fps ?? 10;
  if (width % 2 || height % 2) throw new Error('width and height must be even (4:2:0 chroma)');
  if (options.script.some((s) => s.motion === 'blink') && !options.eyes) throw new Error('blink needs eyes');
  const bytes = typeof options.image === 'string' ? await readFile(options.image) : options.image;
  const dataUrl = `data:${sniffMime(bytes)};base64,${Buffer.from(bytes).toString('base64')}`;

  const page = await browser.newPage();
  try {
    const frames = options.script.flatMap((segment) => {
      const n = Math.max(1, Math.round((segment.seconds ?? 1) * fps));
      return Array.from({ length: n }, (_, i) => ({ motion: segment.motion, t: n === 1 ? 1 : i / (n - 1) }));
    });
    const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii')];
    await page.evaluate(
      async ({ dataUrl, width, height, crop, eyes, drawSource }) => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = new OffscreenCanvas(width, height);
        const g = canvas.getContext('2d', { willReadFrequently: true })!;
        const src = crop ?? { x: 0, y: 0, width: img.naturalWidth, height: img.naturalHeight };
        const scale = Math.min(width / src.width, height / src.height);
        // With a `__name` shim: loaders that keep function names (tsx, esbuild's keepNames) call a
        // `__name` helper inside the function, which the page does not have.
        const draw = new Function('__name', `return (${drawSource});`)((f: unknown) => f) as typeof drawFakeMotion;
        // biome-ignore lint/suspicious/noExplicitAny: a page global set here and read by the evaluate below
        (globalThis as any).__frame = (motion: string, t: number) => {
          const wave = Math.sin(t * Math.PI); // 0 → 1 → 0 over the segment
          const amount = motion === 'zoom' ? 1 + 0.35 * t : motion === 'pan' ? t : wave;
          const { x, y, sx, sy } = draw(g, img, { width, height, src, scale, eyes }, motion, amount);
          if (motion === 'blink' && eyes && t > 0.35 && t < 0.65) {
            for (const eye of [eyes.left, eyes.right]) {
              const ex = x + (eye.x - src.x) * sx;
              const ey = y + (eye.y - src.y) * sy;
              const r = Math.abs(eyes.right.x - eyes.left.x) * sx * 0.28;
              const skin = g.getImageData(Math.round(ex), Math.round(ey + r * 1.8), 1, 1).data;
              g.fillStyle = `rgb(${skin[0]},${skin[1]},${skin[2]})`;
              g.beginPath();
              g.ellipse(ex, ey, r, r * 0.6, 0, 0, 2 * Math.PI);
              g.fill();
            }
          }
          // RGBA → planar YUV 4:2:0, BT.601 full range (JPEG): Y, then Cb, then Cr.
          const rgba = g.getImageData(0, 0, width, height).data;
          const out = new Uint8Array(width * height * 1.5);
          const cw = width / 2;
          const uOff = width * height;
          const vOff = uOff + cw * (height / 2);
          for (let j = 0; j < height; j++) {
            for (let i = 0; i < width; i++) {
              const p = (j * width + i) * 4;
              out[j * width + i] = Math.round(0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!);
            }
          }
          for (let j = 0; j < height; j += 2) {
            for (let i = 0; i < width; i += 2) {
              let r = 0;
              let gg = 0;
              let b = 0;
              for (const [di, dj] of [
                [0, 0],
                [1, 0],
                [0, 1],
                [1, 1],
              ] as const) {
                const p = ((j + dj) * width + i + di) * 4;
                r += rgba[p]!;
                gg += rgba[p + 1]!;
                b += rgba[p + 2]!;
              }
              r /= 4;
              gg /= 4;
              b /= 4;
              const k = (j / 2) * cw + i / 2;
              out[uOff + k] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * gg + 0.5 * b)));
              out[vOff + k] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * gg - 0.081312 * b)));
            }
          }
          let s = '';
          for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
          return btoa(s);
        };
      },
      { dataUrl, width, height, crop: options.crop ?? null, eyes: options.eyes ?? null, drawSource: drawFakeMotion.toString() },
    );
    for (const frame of frames) {
      // biome-ignore lint/suspicious/noExplicitAny: the page global set above
      const b64 = await page.evaluate(({ motion, t }) => (globalThis as any).__frame(motion, t) as string, frame);
      chunks.push(Buffer.from('FRAME\n', 'ascii'), Buffer.from(b64, 'base64'));
    }
    await writeFile(options.out, Buffer.concat(chunks));
    return { frames: frames.length, path: options.out };
  } finally {
    await page.close();
  }
}

function sniffMime(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x52 && bytes[1] === 0x49) return 'image/webp';
  throw new Error('image must be PNG, JPEG or WebP');
}

/** Chromium flags that make `getUserMedia` return the given `.y4m` file as the camera. */
export const fakeCameraArgs = (y4mPath: string): string[] => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${y4mPath}`,
];
