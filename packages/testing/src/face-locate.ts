import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadSharp, requireFacePeer, resolveFacePeer } from './face-dependencies.js';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { FaceSource } from './face-poses.js';

/** A point in image pixels. */
export interface Point {
  x: number;
  y: number;
}

/** One face found by {@link locateFaces}, in the pixels of the image it was found in. */
export interface LocatedFace {
  /** The SSD detector's face box. */
  box: { x: number; y: number; width: number; height: number };
  /** The detector's confidence, 0..1. */
  score: number;
  /** Eye centres (mean of each eye's six landmarks); `left` is the one on the image's left. */
  eyes: { left: Point; right: Point };
  /** The 68 landmarks (iBUG 300-W order: 30 nose tip, 36..41 and 42..47 the eyes). */
  landmarks: Point[];
  /** The 128-d face descriptor (face-api's ResNet-34 recognition net). */
  descriptor: Float32Array;
  /** {@link yawProxy} of the landmarks. */
  yaw: number;
}

/** Options of {@link locateFaces}. */
export interface LocateFacesOptions {
  /** SSD detector confidence threshold. Default 0.5 (face-api's default). */
  minConfidence?: number;
  /** At most this many faces. Default 10. */
  maxResults?: number;
}

type FaceApiModule = typeof FaceApi;

const require = createRequire(import.meta.url);
let loading: Promise<FaceApiModule> | undefined;

/**
 * Loads face-api's Node WASM build once per process: tfjs on the WASM backend (binaries from the
 * installed `@tensorflow/tfjs-backend-wasm`, no network), then the SSD MobileNet v1 detector, the
 * 68-landmark net and the recognition net from the models shipped in `@vladmandic/face-api/model`.
 */
export function loadFaceApi(): Promise<FaceApiModule> {
  loading ??= (async () => {
    const faceapi = requireFacePeer<FaceApiModule>(
      '@vladmandic/face-api/dist/face-api.node-wasm.js',
      'locateFaces (@twofold/testing/faces)',
    );
    // The build bundles tfjs and its WASM backend's exports into `faceapi.tf`; its typings only
    // declare the tensor API, hence the cast.
    const tf = faceapi.tf as unknown as {
      setWasmPaths(prefix: string): void;
      setBackend(name: string): Promise<boolean>;
      ready(): Promise<void>;
    };
    // A directory prefix ending in '/': the installed binaries, no network.
    tf.setWasmPaths(
      `${dirname(resolveFacePeer('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', 'locateFaces (@twofold/testing/faces)'))}/`,
    );
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs WASM backend failed to initialise');
    await tf.ready();
    const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
    return faceapi;
  })();
  return loading;
}

/**
 * Finds the faces in an image (JPEG/PNG/WebP bytes) with face-api in Node: SSD MobileNet v1
 * detection, 68 landmarks and the 128-d descriptor — the pipeline Twofold's server runs on face
 * frames. Pulls in tfjs and its WASM backend (first call ≈ 1–2 s), which is why it lives in
 * `@twofold/testing/faces` and not in the main entry.
 * @returns faces sorted by detector score, best first.
 */
export async function locateFaces(image: Uint8Array, options: LocateFacesOptions = {}): Promise<LocatedFace[]> {
  const faceapi = await loadFaceApi();
  const { data, info } = await loadSharp('locateFaces')(image).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const tensor = faceapi.tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32');
  try {
    const results = await faceapi
      .detectAllFaces(
        tensor as never,
        new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence ?? 0.5, maxResults: options.maxResults ?? 10 }),
      )
      .withFaceLandmarks()
      .withFaceDescriptors();
    return results
      .map((r) => {
        const landmarks = r.landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
        const b = r.detection.box;
        return {
          box: { x: b.x, y: b.y, width: b.width, height: b.height },
          score: r.detection.score,
          eyes: { left: mean(landmarks.slice(36, 42)), right: mean(landmarks.slice(42, 48)) },
          landmarks,
          descriptor: r.descriptor,
          yaw: yawProxy(landmarks),
        };
      })
      .sort((a, b) => b.score - a.score);
  } finally {
    tensor.dispose();
  }
}

/**
 * The head-yaw proxy Twofold's server uses: (nose tip x − midpoint of the outer eye corners x) /
 * distance between those corners, from 68 landmarks (30 nose tip, 36 and 45 the outer eye
 * corners). About 0 for a frontal face; negative when the nose points toward the image's left.
 */
export function yawProxy(landmarks: readonly Point[]): number {
  const nose = landmarks[30]!;
  const a = landmarks[36]!;
  const b = landmarks[45]!;
  return (nose.x - (a.x + b.x) / 2) / Math.hypot(b.x - a.x, b.y - a.y);
}

/** Euclidean distance between two face descriptors (face-api's matching distance; 0.6 is its usual threshold). */
export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error('descriptors differ in length');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/**
 * The most frontal of `faces` (smallest |{@link yawProxy}|) among those the detector is sure of
 * (score ≥ `minScore`, default 0.8), or undefined.
 */
export function mostFrontalFace(faces: readonly LocatedFace[], minScore = 0.8): LocatedFace | undefined {
  let best: LocatedFace | undefined;
  for (const f of faces) if (f.score >= minScore && (!best || Math.abs(f.yaw) < Math.abs(best.yaw))) best = f;
  return best;
}

/**
 * A `FaceSource` for `renderFacePose` from a photo and one of its located faces (box, eye centres
 * and nose tip).
 */
export function toFaceSource(image: Uint8Array, face: LocatedFace): FaceSource {
  return {
    image,
    face: { box: { ...face.box }, eyes: { left: { ...face.eyes.left }, right: { ...face.eyes.right } }, nose: { ...face.landmarks[30]! } },
  };
}

function mean(points: readonly Point[]): Point {
  return { x: points.reduce((s, p) => s + p.x, 0) / points.length, y: points.reduce((s, p) => s + p.y, 0) / points.length };
}
