/**
 * The face pipeline of one thread: image bytes → face-api's SSD MobileNet v1 detector, 68
 * landmarks and the 128-d descriptor, on TensorFlow.js's WASM backend (no native canvas: frames
 * are decoded by `sharp`'s prebuilt libvips). Node-only. TensorFlow.js keeps one runtime per
 * thread, so create one pipeline per worker thread (the pool in `./index.ts` does).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FACE_EVIDENCE_LIMITS, FACE_MATCH_THRESHOLD } from '@twofold/protocol';
import type { AnalyzedFace, FrameAnalysis } from '../../face/analyzer.js';

const require = createRequire(import.meta.url);

/** Options of {@link createFacePipeline}. */
export interface FacePipelineOptions {
  /** Folder of face-api's weights. Default: the `model/` folder of the installed `@vladmandic/face-api`. */
  modelDir?: string;
  /** Detection confidence. Default 0.4 (chosen with `pnpm bench:face`: at 0.5 SSD missed a face of the labelled set). */
  minConfidence?: number;
  /**
   * The face detector. Default `ssd` (SSD MobileNet v1), the one the threshold is calibrated for;
   * `tiny` (Tiny Face Detector at `tinyInputSize`, default 416) exists for `pnpm bench:face`.
   */
  detector?: 'ssd' | 'tiny';
  tinyInputSize?: number;
}

/** The name templates are bound to: detector, landmarks and descriptor of this pipeline. */
export const FACE_PIPELINE_MODEL = FACE_MATCH_THRESHOLD.model;

/** Loads the models (once) and returns `analyzeImage`, which measures one encoded frame. */
export async function createFacePipeline(options: FacePipelineOptions = {}) {
  // face-api's Node WASM build requires these two by name; they are dependencies of this package.
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
  const sharp = require('sharp') as typeof import('sharp').default;
  wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  // One thread per pipeline: the pool provides the parallelism (no oversubscribed cores).
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const modelDir = options.modelDir ?? join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const tiny = options.detector === 'tiny';
  await (tiny ? faceapi.nets.tinyFaceDetector : faceapi.nets.ssdMobilenetv1).loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const detectorOptions = tiny
    ? new faceapi.TinyFaceDetectorOptions({ inputSize: options.tinyInputSize ?? 416, scoreThreshold: options.minConfidence ?? 0.4 })
    : new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence ?? 0.4 });
  const { minSide, maxSide } = FACE_EVIDENCE_LIMITS;

  /** Measures one JPEG/WebP frame; never throws for a bad image (the result carries `error`). */
  async function analyzeImage(bytes: Uint8Array): Promise<FrameAnalysis> {
    let pixels: { data: Buffer; width: number; height: number };
    try {
      // Bounded before decoding: libvips reads the header first and refuses larger images.
      const image = sharp(bytes, { limitInputPixels: maxSide * maxSide, failOn: 'error', animated: false });
      const meta = await image.metadata();
      if (!meta.width || !meta.height || meta.width < minSide || meta.height < minSide || meta.width > maxSide || meta.height > maxSide) {
        return { width: meta.width ?? 0, height: meta.height ?? 0, faces: [], error: `frames must be ${minSide}–${maxSide} px per side` };
      }
      const { data, info } = await image.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
      pixels = { data, width: info.width, height: info.height };
    } catch {
      return { width: 0, height: 0, faces: [], error: 'not a decodable JPEG or WebP image' };
    }
    const input = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
    try {
      // Largest first: the rules judge the largest face and count the others.
      const found = (await faceapi.detectAllFaces(input as never, detectorOptions).withFaceLandmarks()).sort((a, b) => b.detection.box.area - a.detection.box.area);
      const faces: AnalyzedFace[] = [];
      for (const f of found) {
        const box = f.detection.box;
        const face: AnalyzedFace = {
          box: { x: box.x, y: box.y, width: box.width, height: box.height },
          score: f.detection.score,
          landmarks: f.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
          descriptor: [],
        };
        faces.push(face);
      }
      // The descriptor of the largest face only: a frame with two faces of adequate size is refused anyway.
      if (found.length > 0) {
        const [aligned] = await faceapi.extractFaceTensors(input as never, [found[0]!.alignedRect]);
        try {
          faces[0]!.descriptor = Array.from((await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned as never)) as Float32Array);
        } finally {
          aligned?.dispose();
        }
      }
      return { width: pixels.width, height: pixels.height, faces };
    } finally {
      input.dispose();
    }
  }

  /** Runs each network once on a blank input, so the first real frame does not pay WASM warm-up. */
  async function warmUp(): Promise<void> {
    const blank = tf.zeros([512, 512, 3], 'int32');
    try {
      await faceapi.detectAllFaces(blank as never, detectorOptions);
      await faceapi.nets.faceLandmark68Net.detectLandmarks(blank as never);
      await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(blank as never);
    } finally {
      blank.dispose();
    }
  }

  return { model: tiny ? `measurement only: tiny-${options.tinyInputSize ?? 416}` : FACE_PIPELINE_MODEL, analyzeImage, warmUp };
}

export type FacePipeline = Awaited<ReturnType<typeof createFacePipeline>>;
