/**
 * The example's backend: the Twofold HTTP API under `/api/v1`, the page (`app/`, bundled in
 * memory with esbuild at start) and the face models and WASM the page's face engine loads (from
 * installed packages, never the internet). `createExampleApp` is what the tests hand to the
 * `twofold` fixture; `serve.ts` runs the same app on a database in a directory.
 */
import type { Twofold } from '@twofold/server';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Options of {@link createExampleApp}. */
export interface CreateExampleAppOptions {
  /** The Twofold instance whose API the page talks to. */
  twofold: Twofold;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Builds the page and returns the request handler of the whole example app. */
export async function createExampleApp(options: CreateExampleAppOptions): Promise<(req: Request) => Promise<Response>> {
  const { twofold } = options;
  const bundle = await build({
    entryPoints: { main: join(here, 'app/main.ts') },
    bundle: true,
    splitting: true, // the face engine is a separate chunk, loaded on first use
    format: 'esm',
    target: 'es2022',
    outdir: '/',
    write: false,
    logLevel: 'error',
    // In this monorepo the workspace packages resolve to their TypeScript sources.
    conditions: ['@twofold/source'],
  });
  const files = new Map<string, Uint8Array<ArrayBuffer>>(bundle.outputFiles.map((f) => [f.path, new Uint8Array(f.contents)]));
  files.set('/', new Uint8Array(await readFile(join(here, 'app/index.html'))));
  const assets: Record<string, string> = {
    models: join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
    wasm: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
  };

  return async (req) => {
    const { pathname } = new URL(req.url);
    if (pathname.startsWith('/api/')) return twofold.handler(req);
    const asset = /^\/twofold\/face\/(models|wasm)\/([\w.-]+)$/.exec(pathname);
    if (asset) {
      const path = resolve(assets[asset[1]!]!, asset[2]!);
      const body = await readFile(path).catch(() => null);
      if (body) return new Response(body, { headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' } });
    }
    const file = files.get(pathname);
    if (req.method === 'GET' && file)
      return new Response(file, { headers: { 'content-type': pathname === '/' ? TYPES['.html']! : TYPES['.js']! } });
    return new Response('Not found', { status: 404 });
  };
}
