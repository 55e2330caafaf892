/**
 * `@twofold/client/vite` — a Vite plugin that serves (dev) and copies (build) the face models
 * and WASM files from the installed packages, so nothing is fetched from the internet. Files land
 * under `/twofold/face/models/` and `/twofold/face/wasm/` (`DEFAULT_FACE_ASSETS` in
 * `@twofold/client/face`), with long cache lifetimes in dev. Only what the engine loads: the tiny
 * face detector and the 68-landmark net (with `descriptors: true` also the 6.4 MB recognition net
 * `createFaceEngine({ descriptors: true })` loads), and tfjs's three WASM builds (the backend picks
 * one by the browser's SIMD and threads support). With `mediapipe: true` it also serves the
 * MediaPipe tracker's files under `/twofold/face/mediapipe/` (`DEFAULT_MEDIAPIPE_ASSETS`): the
 * Tasks vision WASM and the BlazeFace short-range model, to which the TFLite metadata Tasks needs
 * is added here (see `tflite-metadata.ts`).
 *
 * The face stack is an optional peer of `@twofold/client`: the plugin throws at once, naming the
 * `npm install` command, when a package it serves files of is not installed.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { FACE_ENGINE_PEERS, MEDIAPIPE_TRACKER_PEERS, missingFaceStackMessage } from './face/dependencies.js';

const require = createRequire(import.meta.url);

/** The model file name the tracker asks for (`DEFAULT_MEDIAPIPE_ASSETS.modelUrl`). */
const BLAZE_FACE = 'blaze_face_short_range.tflite';

/** Options of {@link twofoldFaceAssets}. */
export interface TwofoldFaceAssetsOptions {
  /** URL path the files are served under. Default `/twofold/face`. */
  base?: string;
  /** Also serve the MediaPipe tracker (`createMediaPipeTracker`): ~12 MB of WASM (gzip ~3 MB) and a 230 kB model. Default false. */
  mediapipe?: boolean;
  /** Also serve face-api's 6.4 MB recognition net, for `createFaceEngine({ descriptors: true })` (local pre-match only). Default false. */
  descriptors?: boolean;
}

/** Which of `peers` cannot be resolved from `from` (default: this package). */
export function missingPeers(peers: Record<string, string>, from: string | URL = import.meta.url): string[] {
  const r = createRequire(from);
  return Object.keys(peers).filter((name) => {
    try {
      r.resolve(`${name}/package.json`);
      return false;
    } catch (error) {
      // Found, but its `exports` do not list package.json (@mediapipe/tasks-vision): installed.
      return (error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED';
    }
  });
}

/** The face-api model files `createFaceEngine` loads (with `descriptors`, the recognition net too). */
export function faceModelFiles(files: readonly string[], options: { descriptors?: boolean } = {}): string[] {
  const nets = options.descriptors
    ? /^(tiny_face_detector|face_landmark_68|face_recognition)_model[.-]/
    : /^(tiny_face_detector|face_landmark_68)_model[.-]/;
  return files.filter((f) => nets.test(f));
}

/** Throws, naming the install command, when the face stack the options need is not installed. */
export function assertFaceAssetPeers(
  options: Pick<TwofoldFaceAssetsOptions, 'mediapipe'> = {},
  from: string | URL = import.meta.url,
): void {
  const peers = { ...FACE_ENGINE_PEERS, ...(options.mediapipe && MEDIAPIPE_TRACKER_PEERS) };
  const missing = missingPeers(peers, from);
  if (missing.length > 0)
    throw new Error(
      missingFaceStackMessage(
        `twofoldFaceAssets(${options.mediapipe ? '{ mediapipe: true }' : ''}) (@twofold/client/vite)`,
        missing,
        peers,
      ),
    );
}

export function twofoldFaceAssets(options: TwofoldFaceAssetsOptions = {}): Plugin {
  assertFaceAssetPeers(options);
  const base = (options.base ?? '/twofold/face').replace(/\/$/, '');
  const dirs = {
    models: join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
    wasm: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
    'mediapipe/wasm': options.mediapipe ? dirname(require.resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm')) : '',
  };
  type Kind = keyof typeof dirs;
  const kinds = (Object.keys(dirs) as Kind[]).filter((k) => dirs[k]);
  const wanted = (kind: Kind, file: string) =>
    kind === 'wasm'
      ? file.endsWith('.wasm')
      : kind === 'mediapipe/wasm'
        ? /^vision_wasm_(nosimd_)?internal\.(js|wasm)$/.test(file)
        : faceModelFiles([file], options).length === 1;
  const type = (f: string) =>
    ({ '.wasm': 'application/wasm', '.json': 'application/json', '.js': 'text/javascript' })[extname(f)] ?? 'application/octet-stream';
  let model: Promise<Buffer> | undefined;
  // Loaded on demand: the metadata writer needs flatbuffers, a peer for the MediaPipe tracker only.
  const blazeFace = () =>
    (model ??= import('./tflite-metadata.js').then(({ addImageNormalizationMetadata }) =>
      Buffer.from(
        addImageNormalizationMetadata(
          readFileSync(join(dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite')),
          {
            name: 'BlazeFace short-range',
            mean: [127.5],
            std: [127.5],
            inputs: ['input'],
            outputs: ['regressors', 'classificators'],
          },
        ),
      ),
    ));
  return {
    name: 'twofold-face-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (options.mediapipe && req.url?.split('?')[0] === `${base}/mediapipe/${BLAZE_FACE}`) {
          res.setHeader('content-type', 'application/octet-stream');
          res.setHeader('cache-control', 'public, max-age=86400');
          blazeFace().then((bytes) => res.end(bytes), next);
          return;
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
    async generateBundle() {
      for (const kind of kinds) {
        for (const file of readdirSync(dirs[kind]).filter((f) => wanted(kind, f))) {
          this.emitFile({ type: 'asset', fileName: `${base.slice(1)}/${kind}/${file}`, source: readFileSync(join(dirs[kind], file)) });
        }
      }
      if (options.mediapipe)
        this.emitFile({ type: 'asset', fileName: `${base.slice(1)}/mediapipe/${BLAZE_FACE}`, source: await blazeFace() });
    },
  };
}
