import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { writeFakeCameraY4m, type FakeMotion } from '@twofold/testing';
import type { Browser } from 'playwright-core';
import { createServer, type Connect, type PluginOption, type ViteDevServer } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** face-api's bundled model weights, and tfjs-backend-wasm's .wasm files, from node_modules. */
export const MODEL_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
export const WASM_DIR = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
export const SAMPLE_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

const files =
  (prefix: string, dir: string): Connect.NextHandleFunction =>
  (req, res, next) => {
    if (!req.url?.startsWith(prefix)) return next();
    const path = resolve(dir, decodeURIComponent(req.url.slice(prefix.length).split('?')[0]!));
    if (!path.startsWith(dir) || !existsSync(path)) return next();
    res.setHeader('content-type', TYPES[extname(path)] ?? 'application/octet-stream');
    res.setHeader('cache-control', 'public, max-age=3600');
    createReadStream(path).pipe(res);
  };

/**
 * A Vite dev server for the face page (`bench/face-page`, which imports the real engine source):
 * `/models/` and `/wasm/` from the installed packages, `/samples/` face-api's sample photos, and
 * `/faces/` a folder of the caller's. Served on localhost (getUserMedia needs a secure context).
 */
export async function startFaceServer(options: { facesDir?: string } = {}): Promise<{ url: string; server: ViteDevServer }> {
  const server = await createServer({
    configFile: false,
    root: join(here, 'face-page'),
    logLevel: 'error',
    resolve: { conditions: ['@twofold/source'] },
    server: { port: 0, host: 'localhost' },
    plugins: [
      {
        name: 'face-files',
        configureServer(s) {
          if (options.facesDir) s.middlewares.use(files('/faces/', options.facesDir));
          s.middlewares.use(files('/models/', MODEL_DIR));
          s.middlewares.use(files('/wasm/', WASM_DIR));
          s.middlewares.use(files('/samples/', SAMPLE_DIR));
        },
      },
    ],
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  return { url: `http://localhost:${port}/`, server };
}

/**
 * A Vite dev server on localhost for a bench page (`bench/<page>/index.html`, which imports the real
 * source), with `plugins` (the face assets) and `middleware` answering the bench's own requests. No
 * reloads while measuring (no HMR, no file watching), whatever changes on disk meanwhile.
 */
export async function startBenchPage(
  page: string,
  plugins: PluginOption[],
  middleware: Connect.NextHandleFunction,
): Promise<{ url: string; server: ViteDevServer }> {
  const server = await createServer({
    configFile: false,
    root: join(here, page),
    logLevel: 'error',
    resolve: { conditions: ['@twofold/source'] },
    server: { port: 0, host: 'localhost', hmr: false, watch: null },
    plugins: [...plugins, { name: 'bench-requests', configureServer: (s) => void s.middlewares.use(middleware) }],
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  return { url: `http://localhost:${port}/`, server };
}

type Point = { x: number; y: number };
const mean = (pts: Point[]): Point => ({
  x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
  y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
});

/**
 * A fake camera from one of face-api's sample photos: finds its most frontal face with the real
 * engine (on the face page at `url`), crops around it like a webcam frame (2.6 face widths, 4:3)
 * and writes `script` as a `.y4m` with the eye positions the turn and blink motions need.
 */
export async function writeSampleFaceCamera(options: {
  browser: Browser;
  url: string;
  sample: string;
  out: string;
  script: { motion: FakeMotion; seconds: number }[];
}): Promise<string> {
  const page = await options.browser.newPage();
  try {
    await page.goto(options.url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    const faces = (await page.evaluate((u) => (window as any).findFaces(u), `/samples/${options.sample}`)) as {
      box: { x: number; y: number; width: number; height: number };
      landmarks: Point[];
      yaw: number;
    }[];
    if (faces.length === 0) throw new Error(`no face found in ${options.sample}`);
    // The most frontal face, so the scripted turns move the yaw proxy both ways.
    const face = [...faces].sort((a, b) => Math.abs(a.yaw) - Math.abs(b.yaw))[0]!;
    const side = face.box.width * 2.6;
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    await writeFakeCameraY4m(options.browser, {
      image: await readFile(join(SAMPLE_DIR, options.sample)),
      out: options.out,
      crop: { x: Math.max(0, cx - side / 2), y: Math.max(0, cy - (side * 0.75) / 2), width: side, height: side * 0.75 },
      eyes: { left: mean(face.landmarks.slice(36, 42)), right: mean(face.landmarks.slice(42, 48)) },
      fps: 10,
      script: options.script,
    });
    return options.out;
  } finally {
    await page.close();
  }
}
