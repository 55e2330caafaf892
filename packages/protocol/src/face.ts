/**
 * Face evidence: what the client library sends the server after a camera session — a few
 * compressed camera frames, one per requested pose — and the pose rules both sides apply: the
 * client to know when to capture and to guide the user, the server to decide on what it measures
 * itself in those frames. A descriptor, a face track or any other number a client computes is
 * never evidence.
 */

/** Actions a liveness challenge can ask for. Left/right are as seen in the camera image. */
export type FaceAction = 'turn_left' | 'turn_right' | 'move_closer';
export const FACE_ACTIONS: readonly FaceAction[] = ['turn_left', 'turn_right', 'move_closer'];

/** What a frame shows: the neutral pose (looking at the camera) or one requested action. */
export type FacePose = 'neutral' | FaceAction;

/** One captured camera frame: a JPEG or WebP image (base64) of the face with margin. */
export interface FaceEvidenceFrame {
  pose: FacePose;
  /** Base64 (standard alphabet) of the JPEG or WebP bytes. */
  image: string;
}

/**
 * Evidence for one face challenge: `frames[0]` shows the neutral pose, then one frame per
 * requested action, in the challenge's order. Every frame is one crop of the same camera area
 * (fixed when the neutral frame was taken), so a face that comes closer grows in it.
 */
export interface FaceEvidence {
  version: 2;
  challengeId: string;
  frames: FaceEvidenceFrame[];
}

/** Bounds of the evidence, enforced by the server's schema before anything is decoded. */
export const FACE_EVIDENCE_LIMITS = {
  /** One neutral frame plus one per action; challenges ask for at most 7 actions. */
  maxFrames: 8,
  /** Compressed bytes per frame. */
  maxFrameBytes: 96 * 1024,
  /** Pixels per side of a decoded frame. */
  minSide: 96,
  maxSide: 640,
} as const;

/** Pose thresholds, shared so the client captures what the server will accept. */
export const FACE_POSE = {
  /** Yaw-proxy change from the neutral frame that counts as a turn. */
  turn: 0.12,
  /** Face-width growth over the neutral frame that counts as moving closer. */
  closer: 1.18,
  /** The neutral frame faces the camera: its yaw proxy is at most this far from 0. */
  frontal: 0.25,
} as const;

/**
 * Where the face must be in an action's frame: the offset of its centre ({@link faceCentre}) from
 * the neutral frame's face centre, in fractions of the frame side (`x` toward the image's right, `y` down). The server draws
 * one per action, uniformly from {@link FACE_TARGETS}'s range, and the client shows it as a mark to
 * bring the face to. It binds frames to their challenge: frames filmed for other targets (another
 * challenge's, re-ordered, re-labelled or re-encoded) land in this challenge's tolerance only by
 * chance — see docs/face.md for the measured rate.
 */
export interface FaceTarget {
  x: number;
  y: number;
}

/** The range targets are drawn from and the tolerances around them (fractions of the frame side). */
export const FACE_TARGETS = {
  /** Targets are drawn uniformly from [-x, x] × [-y, y]. */
  range: { x: 0.16, y: 0.12 },
  /** The server accepts an action frame whose face centre is at most this far from its target. */
  tolerance: 0.06,
  /** The client captures only this close to the target (a margin for the two trackers' differences). */
  captureTolerance: 0.03,
} as const;

/**
 * Where a face is, for targets: the mean of the outer eye corners and the mouth corners (68
 * landmarks, iBUG 300-W order: 36, 45, 48, 54). Landmarks are steadier than a detector's box (whose
 * centre jumps with its anchor grid, and which shifts differently for turned faces in different
 * detectors), and both sides use the same 68-point model. `NaN` when a point is missing.
 */
export function faceCentre(landmarks: readonly { x: number; y: number }[]): FaceTarget {
  const points = [landmarks[36], landmarks[45], landmarks[48], landmarks[54]];
  if (points.some((p) => !p)) return { x: NaN, y: NaN };
  return { x: points.reduce((s, p) => s + p!.x, 0) / 4, y: points.reduce((s, p) => s + p!.y, 0) / 4 };
}

/**
 * Whether a face centred at `centre` (fractions of its frame) is on `target` relative to the
 * neutral frame's face centre. Fail closed: `NaN`/`Infinity` anywhere is off target.
 */
export function onTarget(target: FaceTarget, centre: FaceTarget, neutral: FaceTarget, tolerance: number = FACE_TARGETS.tolerance): boolean {
  const d = Math.hypot(centre.x - neutral.x - target.x, centre.y - neutral.y - target.y);
  return d <= tolerance;
}

type Point = { x: number; y: number };
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * Horizontal nose offset from the eyes' midpoint, in eye distances: a 2D head-yaw proxy from 68
 * landmarks (iBUG 300-W order: 30 nose tip, 36/45 outer eye corners). Negative = the nose toward
 * the image's left. `NaN` for degenerate input, which every pose rule refuses.
 */
export function yawOf(landmarks: readonly Point[]): number {
  const left = landmarks[36];
  const right = landmarks[45];
  const nose = landmarks[30];
  if (!left || !right || !nose) return NaN;
  const eyes = dist(left, right);
  if (!(eyes >= 1)) return NaN;
  return (nose.x - (left.x + right.x) / 2) / eyes;
}

/** A face as one frame shows it: its width (pixels of that frame) and its yaw proxy. */
export interface PoseMeasure {
  width: number;
  yaw: number;
}

/**
 * Whether `frame` shows `pose` relative to `neutral`. Fail closed: written so that a `NaN` or
 * infinite measure never shows anything (`a >= b` is false for `NaN`).
 */
export function showsPose(pose: FacePose, frame: PoseMeasure, neutral: PoseMeasure): boolean {
  if (![frame.width, frame.yaw, neutral.width, neutral.yaw].every(Number.isFinite)) return false;
  if (pose === 'turn_left') return frame.yaw <= neutral.yaw - FACE_POSE.turn;
  if (pose === 'turn_right') return frame.yaw >= neutral.yaw + FACE_POSE.turn;
  // Closer: larger, still facing as in the neutral frame (a turned head can widen the box too).
  if (pose === 'move_closer') return frame.width >= neutral.width * FACE_POSE.closer && Math.abs(frame.yaw - neutral.yaw) < FACE_POSE.turn;
  // Neutral: facing the camera about as in the reference (not turned, not much closer).
  return Math.abs(frame.yaw - neutral.yaw) < FACE_POSE.turn && frame.width < neutral.width * FACE_POSE.closer;
}

/** Euclidean distance between descriptors; `NaN` when their lengths differ. */
export function descriptorDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return NaN;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** The mean of descriptors, rescaled to their mean length: the session's (or template's) face. */
export function meanDescriptor(descriptors: readonly (readonly number[])[]): number[] {
  const n = descriptors.length;
  const mean = descriptors[0]!.map((_, k) => descriptors.reduce((s, d) => s + d[k]!, 0) / n);
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const target = descriptors.reduce((s, d) => s + norm(d), 0) / n;
  const m = norm(mean) || 1;
  return mean.map((x) => (x * target) / m);
}

/**
 * The match threshold, versioned with the server pipeline it was calibrated for: a new model,
 * detector or crop needs a new calibration with `pnpm bench:face` and a new entry here.
 * A probe matches a template when their Euclidean descriptor distance is ≤ `value`.
 */
export const FACE_MATCH_THRESHOLD = {
  model: 'face-api@1.7.15 + human@3.3.6 server blazeface + landmark68x2 + resnet-128 dlib-chip v3',
  /** The ROC choice on evaluation set A; see BENCHMARKS.md ("pnpm bench:face") for the measurement behind it. */
  value: 0.575,
} as const;
