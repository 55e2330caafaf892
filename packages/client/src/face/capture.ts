import { LIVENESS, analyzeFaceTrack, type FaceAction, type FaceChallenge, type FaceEvidence, type FaceFrame } from '@twofold/protocol';
import { TwofoldClientError } from '../errors.js';
import type { FaceEngine } from './engine.js';

/** What to tell the user right now. */
export type FaceGuidance =
  | 'no_face'
  | 'several_faces'
  | 'too_far'
  | 'too_close'
  | 'off_centre'
  | 'too_dark'
  | 'blurry'
  | 'hold_still'
  | FaceAction
  | 'done';

export interface FaceProgress {
  guidance: FaceGuidance;
  /** Actions completed so far, of `total`. */
  done: number;
  total: number;
  /** The face's box in video pixels, for an overlay (null without exactly one face). */
  box: FaceFrame['box'] | null;
}

export interface CaptureOptions {
  engine: FaceEngine;
  /** A playing <video> showing the camera. */
  video: HTMLVideoElement;
  /** The server's liveness challenge (`POST /face/challenge`). */
  challenge: Pick<FaceChallenge, 'challengeId' | 'actions'>;
  onProgress?: (progress: FaceProgress) => void;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DESCRIPTORS = 4;

/**
 * Runs a liveness session on the camera: waits for one well-framed face, asks for each
 * challenge action in turn (telling the user what to do through `onProgress`), and returns the
 * evidence for the server — the face track and descriptors from several moments. Images never
 * leave the browser. The server decides; this only guides.
 * @throws TwofoldClientError `FACE_TIMEOUT` or `ABORTED`.
 */
export async function captureFaceEvidence(options: CaptureOptions): Promise<FaceEvidence> {
  const { engine, video, challenge } = options;
  const frames: FaceFrame[] = [];
  const descriptors: number[][] = [];
  const start = performance.now();
  const timeout = options.timeoutMs ?? 30_000;
  let wantDescriptor = true;
  let done = 0;
  const light = brightnessMeter();
  const sharp = sharpnessMeter();
  for (;;) {
    if (options.signal?.aborted) throw new TwofoldClientError('ABORTED', 'The face capture was cancelled.');
    const now = performance.now() - start;
    if (now > timeout) {
      // The server decides liveness, not this loop: a long enough session goes to it anyway
      // (a photo held still then gets the server's LIVENESS_FAILED, and is counted there).
      if (frames.length >= LIVENESS.minFrames && descriptors.length >= 3) {
        return { version: 1, challengeId: challenge.challengeId, frame: { width: video.videoWidth, height: video.videoHeight }, frames, descriptors };
      }
      throw new TwofoldClientError('FACE_TIMEOUT', 'No complete face session in time; try again with better light and framing.');
    }
    const faces = await engine.observe(video, { descriptor: wantDescriptor, maxFaces: 2 });
    const w = video.videoWidth;
    const h = video.videoHeight;
    const report = (guidance: FaceGuidance, box: FaceFrame['box'] | null) =>
      options.onProgress?.({ guidance, done, total: challenge.actions.length, box });
    if (faces.length === 0) {
      report(light(video) < 40 ? 'too_dark' : 'no_face', null);
      continue;
    }
    if (faces.length > 1) {
      report('several_faces', null);
      continue;
    }
    const face = faces[0]!;
    const size = face.box.width / w;
    const off = Math.hypot(face.box.x + face.box.width / 2 - w / 2, face.box.y + face.box.height / 2 - h / 2) / w;
    // Framing is enforced before the session starts; once it runs, moving closer is an action.
    if (frames.length < LIVENESS.baselineFrames) {
      const problem: FaceGuidance | null =
        size < 0.15 ? 'too_far'
        : size > 0.6 ? 'too_close'
        : off > 0.2 ? 'off_centre'
        : light(video) < 40 ? 'too_dark'
        : sharp(video, face.box) < 3 ? 'blurry'
        : null;
      if (problem) {
        report(problem, face.box);
        continue;
      }
    }
    // Rounded: the evidence stays small (a 30 s session is ~50 KB) and loses nothing that matters.
    const r = (x: number, d: number) => Math.round(x * d) / d;
    frames.push({
      t: r(now, 1),
      box: { x: r(face.box.x, 10), y: r(face.box.y, 10), width: r(face.box.width, 10), height: r(face.box.height, 10) },
      yaw: r(face.yaw, 1000),
      eyeOpenness: r(face.eyeOpenness, 1000),
    });
    if (face.descriptor && descriptors.length < DESCRIPTORS) descriptors.push(face.descriptor.map((x) => r(x, 1e5)));
    const before = done;
    done = analyzeFaceTrack(frames, challenge.actions).done;
    // Descriptors at several moments: the start, after each action, then until there are enough.
    wantDescriptor =
      descriptors.length < DESCRIPTORS &&
      (done > before || descriptors.length === 0 || done === challenge.actions.length || frames.length % 10 === 0);
    if (done === challenge.actions.length && descriptors.length >= 3 && frames.length >= LIVENESS.minFrames) {
      report('done', face.box);
      return { version: 1, challengeId: challenge.challengeId, frame: { width: w, height: h }, frames, descriptors };
    }
    report(frames.length < LIVENESS.baselineFrames ? 'hold_still' : (challenge.actions[done] ?? 'hold_still'), face.box);
  }
}

/** Mean luma of the video (sampled small), to tell darkness from an empty frame. */
function brightnessMeter() {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  return (video: HTMLVideoElement) => {
    g.drawImage(video, 0, 0, 32, 24);
    const d = g.getImageData(0, 0, 32, 24).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
    return sum / (d.length / 4);
  };
}

/**
 * Sharpness of the face region: mean absolute Laplacian of its luma at 64×64. A defocused or
 * motion-blurred face scores low; the cut-off (3) is deliberately lenient and not yet calibrated
 * on real webcams.
 */
function sharpnessMeter() {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  return (video: HTMLVideoElement, box: FaceFrame['box']) => {
    g.drawImage(video, box.x, box.y, box.width, box.height, 0, 0, 64, 64);
    const d = g.getImageData(0, 0, 64, 64).data;
    const y = (i: number, j: number) => {
      const p = (j * 64 + i) * 4;
      return 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
    };
    let sum = 0;
    for (let j = 1; j < 63; j++) for (let i = 1; i < 63; i++) sum += Math.abs(4 * y(i, j) - y(i - 1, j) - y(i + 1, j) - y(i, j - 1) - y(i, j + 1));
    return sum / (62 * 62);
  };
}

/** Options of {@link startCamera}. */
export interface StartCameraOptions {
  /** Where the camera plays; a new (detached) `<video>` when not given. */
  video?: HTMLVideoElement;
}

/** Starts the user-facing camera into `video` (created if not given). Stop it with `stop()`. */
export async function startCamera(options: StartCameraOptions = {}) {
  const video = options.video ?? document.createElement('video');
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: 640, height: 480 }, audio: false });
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  return { video, stop: () => stream.getTracks().forEach((t) => t.stop()) };
}
