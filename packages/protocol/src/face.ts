/**
 * Face evidence: what the client library sends the server after a camera session, and the
 * liveness analysis both sides run on it — the client to show progress, the server to decide
 * (it never trusts the client's own verdict).
 */

/** Actions a liveness challenge can ask for. Left/right are as seen in the camera image. */
export type FaceAction = 'turn_left' | 'turn_right' | 'move_closer';
export const FACE_ACTIONS: readonly FaceAction[] = ['turn_left', 'turn_right', 'move_closer'];

/** One tracked frame. `t` in ms since capture start; box in frame pixels. */
export interface FaceFrame {
  t: number;
  box: { x: number; y: number; width: number; height: number };
  /** Nose offset from the eyes' midpoint, in eye distances (image x; negative = toward image left). */
  yaw: number;
  eyeOpenness: number;
}

export interface FaceEvidence {
  version: 1;
  challengeId: string;
  /** Camera frame size. */
  frame: { width: number; height: number };
  /** The face track, in time order (frames without exactly one face are left out). */
  frames: FaceFrame[];
  /** 128-d descriptors taken at several moments of the session (3 to 8). */
  descriptors: number[][];
}

/** Liveness thresholds, shared so the client's progress matches the server's decision. */
export const LIVENESS = {
  /** Frames at the start that define the neutral pose. */
  baselineFrames: 3,
  /** Yaw change from the neutral pose that counts as a turn. */
  turn: 0.12,
  /** Face width growth over the neutral pose that counts as moving closer. */
  closer: 1.18,
  minFrames: 8,
  maxFrames: 2000,
  minDurationMs: 800,
  maxDurationMs: 120_000,
  /** Descriptors of one session must all be this close to their mean (one person throughout). */
  maxSpread: 0.45,
} as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Whether `frame` shows `action` relative to the neutral pose. */
export function showsAction(action: FaceAction, frame: FaceFrame, neutral: { yaw: number; width: number }): boolean {
  if (action === 'turn_left') return frame.yaw <= neutral.yaw - LIVENESS.turn;
  if (action === 'turn_right') return frame.yaw >= neutral.yaw + LIVENESS.turn;
  return frame.box.width >= neutral.width * LIVENESS.closer;
}

/**
 * Finds the requested actions, in order, in the track: each must appear in a later frame than
 * the previous one. Returns how many were found (all = `actions.length`) and at which frames.
 */
export function analyzeFaceTrack(frames: readonly FaceFrame[], actions: readonly FaceAction[]): { done: number; at: number[] } {
  if (frames.length < LIVENESS.baselineFrames) return { done: 0, at: [] };
  const base = frames.slice(0, LIVENESS.baselineFrames);
  const neutral = { yaw: median(base.map((f) => f.yaw)), width: median(base.map((f) => f.box.width)) };
  const at: number[] = [];
  let i = LIVENESS.baselineFrames;
  for (const action of actions) {
    while (i < frames.length && !showsAction(action, frames[i]!, neutral)) i++;
    if (i >= frames.length) break;
    at.push(i);
    i++;
  }
  return { done: at.length, at };
}

/** Euclidean distance between descriptors. */
export function descriptorDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error('descriptors differ in length');
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
 * The match threshold, versioned with the model it was calibrated for: a new model (or a new
 * model version) needs a new calibration with `pnpm bench:face`, and a new entry here.
 * A probe matches a template when their Euclidean descriptor distance is ≤ `value`.
 */
export const FACE_MATCH_THRESHOLD = {
  model: 'face-api@1.7.15 tiny-detector-320 + landmark68 + resnet-128',
  /**
   * 0.6 — face-api's reference value, checked on `../shared/faces` (4 people × 5 grayscale
   * 150 px crops, framed 2x): genuine pairs ≤ 0.593, impostor pairs ≥ 0.651, so FMR 0 % and
   * FNMR 0 % there; framed 3x, one genuine pair is 0.625 (FNMR 2.8 %). The margin is thin and the
   * set tiny: recalibrate on a larger set before production (see BENCHMARKS.md).
   */
  value: 0.6,
} as const;
