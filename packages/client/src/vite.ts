/**
 * `@twofold/client/vite` — a Vite plugin that serves (dev) and copies (build) the face models
 * and TensorFlow.js WASM files from the installed packages, so nothing is fetched from the
 * internet. Files land under `/twofold/face/models/` and `/twofold/face/wasm/`
 * (`DEFAULT_FACE_ASSETS` in `@twofold/client/face`), with long cache lifetimes in dev.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

export function twofoldFaceAssets(options: { base?: string } = {}): Plugin {
  const base = (options.base ?? '/twofold/face').replace(/\/$/, '');
  const dirs = {
    models: join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
    wasm: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
  };
  const wanted = (kind: 'models' | 'wasm', file: string) =>
    kind === 'wasm'
      ? file.endsWith('.wasm')
      : /^(tiny_face_detector|face_landmark_68|face_recognition)_model/.test(file) && !file.includes('tiny_model');
  const type = (f: string) => (extname(f) === '.wasm' ? 'application/wasm' : extname(f) === '.json' ? 'application/json' : 'application/octet-stream');
  return {
    name: 'twofold-face-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = req.url && new RegExp(`^${base}/(models|wasm)/([^?/]+)`).exec(req.url);
        if (!m) return next();
        const kind = m[1] as 'models' | 'wasm';
        const path = resolve(dirs[kind], m[2]!);
        if (!path.startsWith(dirs[kind]) || !existsSync(path) || !wanted(kind, m[2]!)) return next();
        res.setHeader('content-type', type(path));
        res.setHeader('cache-control', 'public, max-age=86400');
        createReadStream(path).pipe(res);
      });
    },
    generateBundle() {
      for (const kind of ['models', 'wasm'] as const) {
        for (const file of readdirSync(dirs[kind]).filter((f) => wanted(kind, f))) {
          this.emitFile({ type: 'asset', fileName: `${base.slice(1)}/${kind}/${file}`, source: readFileSync(join(dirs[kind], file)) });
        }
      }
    },
  };
}
