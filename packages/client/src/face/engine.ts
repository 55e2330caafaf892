import type * as FaceApi from '@vladmandic/face-api';
import { yawOf } from '@twofold/protocol';
import { TwofoldClientError } from '../errors.js';
import { FACE_ENGINE_PEERS, missingFaceStackMessage } from './dependencies.js';

/** A TensorFlow.js backend the engine can run on. */
export type FaceBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface FaceEngineOptions {
  /** URL of the folder holding face-api's model files (`*.bin`, `*-weights_manifest.json`). */
  modelBaseUrl: string;
  /** URL of the folder holding tfjs-backend-wasm's `.wasm` files (ending in `/`). */
  wasmBaseUrl: string;
  /**
   * Backends to try, best first. Default: WebGPU, then WebGL only if it is hardware-accelerated
   * (software WebGL — SwiftShader — measured ~15x slower than WASM), then WASM, then CPU.
   */
  backends?: FaceBackend[];
  /** Tiny face detector input size (multiple of 32). Default 320: at 416 it missed faces here. */
  inputSize?: number;
  /**
   * Detection score threshold. Default 0.3: the tracker only chooses the moments to capture (the
   * server detects again and decides), and a turned head scores 0.36–0.6 with this detector
   * (measured on rendered turns), so 0.5 lost faces mid-turn.
   */
  scoreThreshold?: number;
  /**
   * Also load the 128-d recognition net, for a local pre-match (instant "try again" feedback).
   * Default false: the server computes the descriptors it decides on; tracking needs none.
   */
  descriptors?: boolean;
}

/** What the engine sees of one face in one frame, in input pixels. */
export interface FaceObservation {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** 68 landmarks (iBUG 300-W order). */
  landmarks: { x: number; y: number }[];
  /** Nose offset from the eyes' midpoint over the eye distance: < 0 facing the user's right, > 0 left (image coordinates). */
  yaw: number;
  /** Eye aspect ratio, mean of both eyes (≈ 0.3 open, < 0.2 closed). */
  eyeOpenness: number;
  /** 128-d face descriptor (only when asked for). */
  descriptor?: number[];
  /** Milliseconds per stage for this frame. */
  ms: { detect: number; landmarks: number; descriptor?: number };
}

type Input = HTMLImageElement | HTMLVideoElement | HTMLCanvasElement;
type Box = { x: number; y: number; width: number; height: number };

const inputWidth = (i: Input) => (i instanceof HTMLVideoElement ? i.videoWidth : i instanceof HTMLImageElement ? i.naturalWidth : i.width);
const inputHeight = (i: Input) =>
  i instanceof HTMLVideoElement ? i.videoHeight : i instanceof HTMLImageElement ? i.naturalHeight : i.height;

/**
 * The region `observe({ near })` searches: a square `side` × the given box's width, drawn at
 * `inputSize` pixels (the detector's input), with the box's centre at `centre` (fractions of the
 * square). Chosen with `pnpm bench:capture` and the same frames at other settings: the tiny
 * detector's box is not proportional to the face's size in its input (the same neutral face
 * measured 170, 193 and 214 px wide in regions 2.5, 3 and 3.5 boxes wide), and at 2.5 a face
 * rendered 1.35× closer measured 1.33–1.36× wider (1.17–1.23× at 3); 224 measured as 320 there,
 * at half the detector's work.
 */
export const REGION = { side: 2.5, inputSize: 224, centre: { x: 0.5, y: 0.5 } } as const;

/**
 * One face engine: a detector, 68-point landmarks and the 128-d recognition net of
 * `@vladmandic/face-api`, each its own instance (nothing module-global but the one TensorFlow.js
 * runtime, whose backend is chosen here by capability).
 */
export async function createFaceEngine(options: FaceEngineOptions) {
  const faceapi = await loadFaceApi();
  // face-api bundles tfjs (with the WASM backend); its typings leave these members out.
  const tf = faceapi.tf as unknown as TfRuntime & { setWasmPaths(path: string): void };
  const started = performance.now();
  tf.setWasmPaths(options.wasmBaseUrl.endsWith('/') ? options.wasmBaseUrl : `${options.wasmBaseUrl}/`);
  const backend = await chooseBackend(tf, options.backends ?? (await defaultBackends()));
  const detector = new faceapi.TinyFaceDetector();
  const landmarkNet = new faceapi.FaceLandmark68Net();
  const recognitionNet = options.descriptors ? new faceapi.FaceRecognitionNet() : null;
  const base = options.modelBaseUrl.replace(/\/$/, '');
  await Promise.all([detector.loadFromUri(base), landmarkNet.loadFromUri(base), recognitionNet?.loadFromUri(base)]);
  const loadMs = performance.now() - started;
  const detectorOptions = new faceapi.TinyFaceDetectorOptions({
    inputSize: options.inputSize ?? 320,
    scoreThreshold: options.scoreThreshold ?? 0.3,
  });
  const regionOptions = new faceapi.TinyFaceDetectorOptions({
    inputSize: REGION.inputSize,
    scoreThreshold: options.scoreThreshold ?? 0.3,
  });

  // One reused canvas for region searches (`observe`'s `near`).
  let regionCanvas: HTMLCanvasElement | null = null;

  /** Tiny-detector boxes in `input`'s pixels: over the whole input, or over a region placed on `near`. */
  async function detect(input: Input, near?: Box): Promise<{ box: Box; score: number }[]> {
    if (!near) {
      return (await detector.locateFaces(input, detectorOptions)).map((d) => ({
        box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height },
        score: d.score,
      }));
    }
    const side = REGION.side * near.width;
    const x0 = near.x + near.width / 2 - side * REGION.centre.x;
    const y0 = near.y + near.height / 2 - side * REGION.centre.y;
    const n = REGION.inputSize;
    regionCanvas ??= document.createElement('canvas');
    regionCanvas.width = regionCanvas.height = n;
    const g = regionCanvas.getContext('2d')!;
    // What falls outside the input is a plain grey, like the detector's own padding of a non-square input.
    g.fillStyle = '#808080';
    g.fillRect(0, 0, n, n);
    const k = n / side;
    g.drawImage(input, -x0 * k, -y0 * k, inputWidth(input) * k, inputHeight(input) * k);
    const found = await detector.locateFaces(regionCanvas, regionOptions);
    return found.map((d) => ({
      box: { x: x0 + d.box.x / k, y: y0 + d.box.y / k, width: d.box.width / k, height: d.box.height / k },
      score: d.score,
    }));
  }

  /**
   * Finds faces in `input`, largest first, with landmarks, pose and eye openness; with
   * `descriptor: true` (engine made with `descriptors: true`) also the 128-d descriptor of the
   * largest face (aligned on its landmarks) — for local feedback only: the server never takes it.
   *
   * With `near` (a face box from a recent frame, or several places to try in turn), the detector
   * looks in a square around that box instead of the whole input, placed so that the face sits at
   * the same point of the detector's grid every time, at a larger scale ({@link REGION}); when it
   * finds nothing there (nor at the next place), the whole input is searched as without `near`.
   * Why: over a whole 640-px frame the tiny detector's result depends on where the face falls on
   * its 32-cell anchor grid (64 camera pixels): moving the same face sideways changed its box
   * width by up to ±7 % and its score between 0.42 and 0.87, and lost it at some offsets — a
   * turned face at some of the server's marks was never found, or a face coming closer never
   * measured closer (`pnpm bench:capture`). Placed on the face, every frame is measured alike, so
   * a change of the box is a change of the face. Keep the size of `near` the same for frames that
   * are compared (the box is not proportional to the region's size).
   */
  async function observe(
    input: Input,
    o: { descriptor?: boolean; maxFaces?: number; near?: Box | readonly Box[] } = {},
  ): Promise<FaceObservation[]> {
    let t = performance.now();
    let detections: { box: Box; score: number }[] = [];
    for (const near of o.near ? [o.near].flat() : []) {
      detections = await detect(input, near);
      if (detections.length > 0) break;
    }
    if (detections.length === 0) detections = await detect(input);
    detections.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    const detectMs = performance.now() - t;
    const out: FaceObservation[] = [];
    for (const [i, detection] of detections.slice(0, o.maxFaces ?? 3).entries()) {
      t = performance.now();
      const { x, y, width, height } = detection.box;
      const [crop] = await faceapi.extractFaces(input, [new faceapi.Rect(x, y, width, height)]);
      const local = (await landmarkNet.detectLandmarks(crop!)) as FaceApi.FaceLandmarks68;
      // The landmark net works on the crop it was given; shifted back by the crop's corner (what
      // face-api's extractFaces clamps to the input).
      const landmarks = local.shiftBy<FaceApi.FaceLandmarks68>(Math.max(0, Math.floor(x)), Math.max(0, Math.floor(y)));
      const landmarksMs = performance.now() - t;
      const points = landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
      const observation: FaceObservation = {
        box: { x, y, width, height },
        score: detection.score,
        landmarks: points,
        yaw: yawOf(points),
        eyeOpenness: eyeOpennessOf(points),
        ms: { detect: i === 0 ? detectMs : 0, landmarks: landmarksMs },
      };
      if (o.descriptor && i === 0) {
        if (!recognitionNet) throw new Error('createFaceEngine({ descriptors: true }) is needed for descriptors');
        t = performance.now();
        const [aligned] = await faceapi.extractFaces(input, [landmarks.align()]);
        const descriptor = (await recognitionNet.computeFaceDescriptor(aligned!)) as Float32Array;
        observation.descriptor = Array.from(descriptor);
        observation.ms.descriptor = performance.now() - t;
      }
      out.push(observation);
      crop?.remove?.();
    }
    return out;
  }

  return { backend, loadMs, observe };
}

export type FaceEngine = Awaited<ReturnType<typeof createFaceEngine>>;

/**
 * face-api, loaded when an engine is made (an optional peer dependency: pages that never film
 * download none of it). A bundler that cannot resolve it reports that at build time; loading it
 * failing at run time is turned into a `NOT_CONFIGURED` error naming the install command.
 */
async function loadFaceApi(): Promise<typeof FaceApi> {
  try {
    return await import('@vladmandic/face-api');
  } catch (cause) {
    throw new TwofoldClientError(
      'NOT_CONFIGURED',
      missingFaceStackMessage('createFaceEngine (@twofold/client/face)', ['@vladmandic/face-api'], FACE_ENGINE_PEERS),
      { cause },
    );
  }
}

interface TfRuntime {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

async function chooseBackend(tf: TfRuntime, order: FaceBackend[]) {
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend() as FaceBackend;
      }
    } catch {
      // not available here: try the next one
    }
  }
  throw new Error(`none of the backends ${order.join(', ')} could start`);
}

/** WebGPU, then WebGL only on a hardware GPU, then WASM, then CPU. */
async function defaultBackends(): Promise<FaceBackend[]> {
  const order: FaceBackend[] = [];
  if (
    'gpu' in navigator &&
    (await (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter().catch(() => null))
  )
    order.push('webgpu');
  if (hardwareWebGL()) order.push('webgl');
  order.push('wasm', 'cpu');
  return order;
}

function hardwareWebGL(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return !/swiftshader|llvmpipe|software|basic render/i.test(renderer);
  } catch {
    return false;
  }
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

export { yawOf };

/** Eye aspect ratio (Soukupová & Čech 2016), mean of both eyes. */
export function eyeOpennessOf(p: { x: number; y: number }[]): number {
  const ear = (i: number) => (dist(p[i + 1]!, p[i + 5]!) + dist(p[i + 2]!, p[i + 4]!)) / (2 * Math.max(1, dist(p[i]!, p[i + 3]!)));
  return (ear(36) + ear(42)) / 2;
}
