/**
 * A face TRACKER on MediaPipe's FaceDetector (`@mediapipe/tasks-vision`, BlazeFace short-range,
 * WASM/XNNPACK on the CPU): where the face is, how big, how turned — to guide the user and to
 * choose when to capture a frame. Never evidence: the server measures the frames it receives with
 * its own pipeline and decides (`@twofold/server/face`).
 *
 * Privacy: the Tasks runtime posts usage logs to a Google endpoint every minute and on close.
 * Block it with a Content-Security-Policy `connect-src 'self'` on the page (the model and WASM
 * are served by your own origin through `twofoldFaceAssets()` from `@twofold/client/vite`).
 */
import type { Detection } from '@mediapipe/tasks-vision';

/**
 * What capture needs of a tracker, per face: `box` (input pixels), detector `score`, and `yaw`
 * on the scale of the protocol's 68-landmark proxy (`yawOf`), so `showsPose` applies to it.
 */
export interface TrackedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  yaw: number;
}

/** Any engine capture can steer by: the face-api engine (`createFaceEngine`) and this tracker both fit. */
export interface FaceTracker {
  observe(input: TrackerInput, options?: { maxFaces?: number }): Promise<TrackedFace[]>;
}

type TrackerInput = HTMLVideoElement | HTMLCanvasElement | HTMLImageElement;

/**
 * Calibration against the 68-landmark measures the server decides on, from `pnpm bench:tracking`
 * (BENCHMARKS.md, "Face tracking"). BlazeFace's keypoints come from a 128×128 view of the whole
 * frame, so its 6-keypoint yaw proxy (nose tip against the eye centres) is coarse: on the sample
 * photos' real head poses the server's yaw ≈ 0.62 × the raw proxy, residual SD 0.10 (r 0.85);
 * on the fake camera's 2D turns it does not follow the turn at all. The client must never
 * capture a turn the server refuses, so the scale keeps a margin of two residual SDs of a
 * difference of two frames: a reported change of `FACE_POSE.turn` (0.12) needs a raw change of
 * (0.12 + 2 × 0.10 × √2) / 0.62 ≈ 0.65 — a clear head turn. The box is scaled to the size of
 * face-api's tiny-detector box (MediaPipe's measured 0.89 of it on the neutral frames), so
 * framing gates and the crop (`FRAME_CAPTURE.cropSide` face widths) mean the same with either.
 */
export const MEDIAPIPE_CALIBRATION = {
  /** `yaw = yawScale × raw 6-keypoint proxy` (0.12 × 0.62 / 0.40). */
  yawScale: 0.18,
  /** Box width and height × this, about the box centre. */
  boxScale: 1.125,
} as const;

/** Options of {@link createMediaPipeTracker}. */
export interface MediaPipeTrackerOptions {
  /** URL of the BlazeFace short-range `.tflite` with TFLite metadata (served by `twofoldFaceAssets()`). */
  modelUrl: string;
  /** URL of the folder holding `vision_wasm_internal.js` and `.wasm` from `@mediapipe/tasks-vision`. */
  wasmBaseUrl: string;
  /** Detection score threshold. Default 0.5. */
  minDetectionConfidence?: number;
  /** Inference on the CPU (WASM, default) or WebGL ('GPU': only worth it on a hardware GPU). */
  delegate?: 'CPU' | 'GPU';
  /**
   * Wider inputs are first scaled down to this width on a 2D canvas. Default 320: the model
   * sees 128×128 anyway, and handing Tasks fewer pixels measured 13 ms/frame instead of 31 on
   * a 640×480 camera here (its image upload and read-back go through WebGL, software in headless).
   */
  inputWidth?: number;
}

/** Where `twofoldFaceAssets()` serves the tracker's files by default. */
export const DEFAULT_MEDIAPIPE_ASSETS = {
  modelUrl: '/twofold/face/mediapipe/blaze_face_short_range.tflite',
  wasmBaseUrl: '/twofold/face/mediapipe/wasm/',
} as const;

/**
 * Loads MediaPipe's face detector (from your own origin) and returns a tracker with the same
 * `observe(input, { maxFaces })` as `createFaceEngine`'s, faces largest first.
 */
export async function createMediaPipeTracker(options: MediaPipeTrackerOptions) {
  const started = performance.now();
  // Loaded on demand: the Tasks bundle has top-level side effects, so a static import would put
  // it (44 kB gzip) in every page importing @twofold/client/face, tracker used or not.
  const { FaceDetector, FilesetResolver } = await import('@mediapipe/tasks-vision');
  const fileset = await FilesetResolver.forVisionTasks(options.wasmBaseUrl.replace(/\/$/, ''));
  const detector = await FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: options.modelUrl, delegate: options.delegate ?? 'CPU' },
    runningMode: 'VIDEO',
    minDetectionConfidence: options.minDetectionConfidence ?? 0.5,
  });
  const loadMs = performance.now() - started;
  const inputWidth = options.inputWidth ?? 320;
  const work = document.createElement('canvas');
  const g = work.getContext('2d', { alpha: false })!;
  let last = 0;

  /** Faces in `input` (a video frame, canvas or image), largest first, at most `maxFaces` (default 3). */
  async function observe(
    input: TrackerInput,
    o: { maxFaces?: number } = {},
  ): Promise<(TrackedFace & { keypoints: { x: number; y: number }[]; rawYaw: number })[]> {
    const [w, h] = sizeOf(input);
    if (!(w > 0 && h > 0)) return [];
    // VIDEO mode wants strictly increasing timestamps (ms).
    last = Math.max(last + 1, Math.round(performance.now()));
    let source: TrackerInput = input;
    if (w > inputWidth) {
      const ww = inputWidth;
      const wh = Math.round((h * inputWidth) / w);
      if (work.width !== ww || work.height !== wh) Object.assign(work, { width: ww, height: wh });
      g.drawImage(input, 0, 0, ww, wh);
      source = work;
    }
    const k = w / sizeOf(source)[0];
    const result = detector.detectForVideo(source, last);
    return result.detections
      .map((d) => toFace(d, w, h, k))
      .filter((f): f is NonNullable<typeof f> => f !== null)
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
      .slice(0, o.maxFaces ?? 3);
  }

  return { backend: options.delegate ?? 'CPU', loadMs, observe, close: () => detector.close() };
}

export type MediaPipeTracker = Awaited<ReturnType<typeof createMediaPipeTracker>>;

function sizeOf(input: TrackerInput): [number, number] {
  if (input instanceof HTMLVideoElement) return [input.videoWidth, input.videoHeight];
  if (input instanceof HTMLImageElement) return [input.naturalWidth, input.naturalHeight];
  return [input.width, input.height];
}

/** BlazeFace keypoints: 0 right eye, 1 left eye (the person's), 2 nose tip, 3 mouth, 4 right ear, 5 left ear. */
function toFace(d: Detection, w: number, h: number, scale: number) {
  const b0 = d.boundingBox;
  const b = b0 && { originX: b0.originX * scale, originY: b0.originY * scale, width: b0.width * scale, height: b0.height * scale };
  const keypoints = d.keypoints.map((p) => ({ x: p.x * w, y: p.y * h }));
  if (!b || keypoints.length < 3) return null;
  const rawYaw = yawOfKeypoints(keypoints);
  const s = MEDIAPIPE_CALIBRATION.boxScale;
  const box = {
    x: b.originX + (b.width * (1 - s)) / 2,
    y: b.originY + (b.height * (1 - s)) / 2,
    width: b.width * s,
    height: b.height * s,
  };
  return { box, score: d.categories[0]?.score ?? 0, yaw: rawYaw * MEDIAPIPE_CALIBRATION.yawScale, rawYaw, keypoints };
}

/**
 * The 2D yaw proxy from BlazeFace keypoints: horizontal nose-tip offset from the eye centres'
 * midpoint, in eye-centre distances (same sign convention as the protocol's `yawOf`: negative =
 * nose toward the image's left). `NaN` for degenerate input.
 */
export function yawOfKeypoints(k: readonly { x: number; y: number }[]): number {
  const [a, b, nose] = k;
  if (!a || !b || !nose) return NaN;
  const eyes = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(eyes >= 1)) return NaN;
  return (nose.x - (a.x + b.x) / 2) / eyes;
}
