import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Connect, type ViteDevServer } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** face-api's bundled model weights, and tfjs-backend-wasm's .wasm files, from node_modules. */
export const MODEL_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
export const WASM_DIR = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
export const SAMPLE_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

const TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.json': 'application/json', '.bin': 'application/octet-stream', '.wasm': 'application/wasm',
};

const files = (prefix: string, dir: string): Connect.NextHandleFunction => (req, res, next) => {
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
    plugins: [{
      name: 'face-files',
      configureServer(s) {
        if (options.facesDir) s.middlewares.use(files('/faces/', options.facesDir));
        s.middlewares.use(files('/models/', MODEL_DIR));
        s.middlewares.use(files('/wasm/', WASM_DIR));
        s.middlewares.use(files('/samples/', SAMPLE_DIR));
      },
    }],
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  return { url: `http://localhost:${port}/`, server };
}
