import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertFaceAssetPeers, faceModelFiles, missingPeers, twofoldFaceAssets } from './vite.js';
import { FACE_ENGINE_PEERS, MEDIAPIPE_TRACKER_PEERS } from './face/dependencies.js';

const require = createRequire(import.meta.url);
const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const app = mkdtempSync(join(tmpdir(), 'twofold-no-face-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** What the plugin's build step emits (file name → bytes). */
async function emitted(options: Parameters<typeof twofoldFaceAssets>[0] = {}) {
  const files = new Map<string, number>();
  const plugin = twofoldFaceAssets(options);
  const emitFile = (f: { fileName: string; source: Uint8Array }) => void files.set(f.fileName, f.source.length);
  await (plugin.generateBundle as unknown as (this: unknown) => Promise<void>).call({ emitFile });
  return files;
}

describe('twofoldFaceAssets copies what the engine loads', () => {
  it('the tiny detector and the 68-landmark net, not the 6.4 MB recognition net (engine default)', () => {
    const files = faceModelFiles(readdirSync(modelDir));
    expect(files.sort()).toEqual([
      'face_landmark_68_model-weights_manifest.json',
      'face_landmark_68_model.bin',
      'tiny_face_detector_model-weights_manifest.json',
      'tiny_face_detector_model.bin',
    ]);
    expect(faceModelFiles(readdirSync(modelDir), { descriptors: true })).toContain('face_recognition_model.bin');
  });

  it('a build emits those models and tfjs’s three WASM builds, under 3 MB in all', async () => {
    const files = await emitted();
    expect([...files.keys()].sort()).toEqual([
      'twofold/face/models/face_landmark_68_model-weights_manifest.json',
      'twofold/face/models/face_landmark_68_model.bin',
      'twofold/face/models/tiny_face_detector_model-weights_manifest.json',
      'twofold/face/models/tiny_face_detector_model.bin',
      'twofold/face/wasm/tfjs-backend-wasm-simd.wasm',
      'twofold/face/wasm/tfjs-backend-wasm-threaded-simd.wasm',
      'twofold/face/wasm/tfjs-backend-wasm.wasm',
    ]);
    const models = [...files].filter(([f]) => f.includes('/models/')).reduce((s, [, n]) => s + n, 0);
    expect(models).toBeLessThan(1_000_000);
    expect(models).toBe(
      [
        'face_landmark_68_model.bin',
        'face_landmark_68_model-weights_manifest.json',
        'tiny_face_detector_model.bin',
        'tiny_face_detector_model-weights_manifest.json',
      ].reduce((s, f) => s + statSync(join(modelDir, f)).size, 0),
    );
  });

  it('with descriptors: true also the recognition net', async () => {
    expect([...(await emitted({ descriptors: true })).keys()]).toContain('twofold/face/models/face_recognition_model.bin');
  });

  it('with mediapipe: true also the tracker’s WASM and its model, with metadata added', async () => {
    const files = await emitted({ mediapipe: true });
    expect(files.get('twofold/face/mediapipe/blaze_face_short_range.tflite')).toBeGreaterThan(200_000);
    expect([...files.keys()].filter((f) => f.includes('/mediapipe/wasm/')).sort()).toEqual([
      'twofold/face/mediapipe/wasm/vision_wasm_internal.js',
      'twofold/face/mediapipe/wasm/vision_wasm_internal.wasm',
      'twofold/face/mediapipe/wasm/vision_wasm_nosimd_internal.js',
      'twofold/face/mediapipe/wasm/vision_wasm_nosimd_internal.wasm',
    ]);
  });
});

describe('the face stack is an optional peer of @twofold/client', () => {
  const fromApp = pathToFileURL(join(app, 'vite.config.js'));

  it('installed in the workspace: the plugin starts', () => {
    expect(missingPeers({ ...FACE_ENGINE_PEERS, ...MEDIAPIPE_TRACKER_PEERS })).toEqual([]);
    expect(() => assertFaceAssetPeers({ mediapipe: true })).not.toThrow();
  });

  it('missing: the plugin throws the npm install line with versions', () => {
    expect(() => assertFaceAssetPeers({}, fromApp)).toThrow('npm install @vladmandic/face-api@1.7.15 @tensorflow/tfjs-backend-wasm@4.22.0');
    expect(() => assertFaceAssetPeers({ mediapipe: true }, fromApp)).toThrow(
      'npm install @vladmandic/face-api@1.7.15 @tensorflow/tfjs-backend-wasm@4.22.0 @mediapipe/tasks-vision@1.1.0 @mediapipe/face_detection@0.4.1657300184 flatbuffers@25.9.23',
    );
  });

  it('the versions named are the peer ranges of package.json', () => {
    const manifest = require('../package.json') as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      dependencies: Record<string, string>;
    };
    for (const [name, range] of Object.entries({ ...FACE_ENGINE_PEERS, ...MEDIAPIPE_TRACKER_PEERS })) {
      expect(manifest.peerDependencies[name]).toBe(range);
      expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true);
      expect(manifest.dependencies[name]).toBeUndefined();
    }
  });
});
