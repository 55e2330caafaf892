/**
 * `@twofold/client/vite` — a Vite plugin that serves (dev) and copies (build) the face models
 * and WASM files from the installed packages, so nothing is fetched from the internet. Files land
 * under `/twofold/face/models/` and `/twofold/face/wasm/` (`DEFAULT_FACE_ASSETS` in
 * `@twofold/client/face`), with long cache lifetimes in dev. With `mediapipe: true` it also
 * serves the MediaPipe tracker's files under `/twofold/face/mediapipe/`
 * (`DEFAULT_MEDIAPIPE_ASSETS`): the Tasks vision WASM and the BlazeFace short-range model, to
 * which the TFLite metadata Tasks needs is added here (see `tflite-metadata.ts`).
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { addImageNormalizationMetadata } from './tflite-metadata.js';

const require = createRequire(import.meta.url);

/** The model file name the tracker asks for (`DEFAULT_MEDIAPIPE_ASSETS.modelUrl`). */
const BLAZE_FACE = 'blaze_face_short_range.tflite';

/** Options of {@link twofoldFaceAssets}. */
export interface TwofoldFaceAssetsOptions {
  /** URL path the files are served under. Default `/twofold/face`. */
  base?: string;
  /** Also serve the MediaPipe tracker (`createMediaPipeTracker`): ~12 MB of WASM (gzip ~3 MB) and a 230 kB model. Default false. */
  mediapipe?: boolean;
}

export function twofoldFaceAssets(options: TwofoldFaceAssetsOptions = {}): Plugin {
  const base = (options.base ?? '/twofold/face').replace(/\/$/, '');
  const dirs = {
    models: join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
    wasm: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
    'mediapipe/wasm': options.mediapipe ? dirname(require.resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm')) : '',
  };
  type Kind = keyof typeof dirs;
  const kinds = (Object.keys(dirs) as Kind[]).filter((k) => dirs[k]);
  const wanted = (kind: Kind, file: string) =>
    kind === 'wasm' ? file.endsWith('.wasm')
    : kind === 'mediapipe/wasm' ? /^vision_wasm_(nosimd_)?internal\.(js|wasm)$/.test(file)
    : /^(tiny_face_detector|face_landmark_68|face_recognition)_model/.test(file) && !file.includes('tiny_model');
  const type = (f: string) =>
    ({ '.wasm': 'application/wasm', '.json': 'application/json', '.js': 'text/javascript' })[extname(f)] ?? 'application/octet-stream';
  let model: Buffer | undefined;
  const blazeFace = () =>
    (model ??= Buffer.from(
      addImageNormalizationMetadata(readFileSync(join(dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite')), {
        name: 'BlazeFace short-range',
        mean: [127.5],
        std: [127.5],
        inputs: ['input'],
        outputs: ['regressors', 'classificators'],
      }),
    ));
  return {
    name: 'twofold-face-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (options.mediapipe && req.url?.split('?')[0] === `${base}/mediapipe/${BLAZE_FACE}`) {
          res.setHeader('content-type', 'application/octet-stream');
          res.setHeader('cache-control', 'public, max-age=86400');
          return res.end(blazeFace());
        }
        const m = req.url && new RegExp(`^${base}/(models|wasm|mediapipe/wasm)/([^?/]+)`).exec(req.url);
        if (!m || !dirs[m[1] as Kind]) return next();
        const kind = m[1] as Kind;
        const path = resolve(dirs[kind], m[2]!);
        if (!path.startsWith(dirs[kind]) || !existsSync(path) || !wanted(kind, m[2]!)) return next();
        res.setHeader('content-type', type(path));
        res.setHeader('cache-control', 'public, max-age=86400');
        createReadStream(path).pipe(res);
      });
    },
    generateBundle() {
      for (const kind of kinds) {
        for (const file of readdirSync(dirs[kind]).filter((f) => wanted(kind, f))) {
          this.emitFile({ type: 'asset', fileName: `${base.slice(1)}/${kind}/${file}`, source: readFileSync(join(dirs[kind], file)) });
        }
      }
      if (options.mediapipe) this.emitFile({ type: 'asset', fileName: `${base.slice(1)}/mediapipe/${BLAZE_FACE}`, source: blazeFace() });
    },
  };
}
