import {
  FACE_POSE,
  FACE_TARGETS,
  faceCentre,
  onTarget,
  showsPose,
  type FaceAction,
  type FaceChallenge,
  type FaceEvidence,
  type FaceEvidenceFrame,
  type FacePose,
  type FaceTarget,
  type PoseMeasure,
} from '@twofold/protocol';
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
  | 'look_at_camera'
  /** Bring the face to the mark (`FaceProgress.target`) before the next action. */
  | 'reach_target'
  | FaceAction
  | 'sending'
  | 'done';

export interface FaceProgress {
  guidance: FaceGuidance;
  /** Frames captured so far (the neutral one, then one per action), of `total`. */
  done: number;
  total: number;
  /** The face's box in video pixels, for an overlay (null without exactly one face). */
  box: { x: number; y: number; width: number; height: number } | null;
  /**
   * Where the centre of the face must go for the current action, in video pixels, and how close
   * counts (`radius`): draw it as a mark. Null before the neutral frame and after the last action.
   */
  target: { x: number; y: number; radius: number } | null;
  /** Where the face is by the same measure (the centre of its eyes and mouth), in video pixels: draw it as a dot. */
  centre: { x: number; y: number } | null;
}

export interface CaptureOptions {
  engine: FaceEngine;
  /** A playing <video> showing the camera. */
  video: HTMLVideoElement;
  /** The server's liveness challenge (`POST /face/challenge`): its actions, and where the face must be for each. */
  challenge: Pick<FaceChallenge, 'challengeId' | 'actions'> & Partial<Pick<FaceChallenge, 'targets'>>;
  onProgress?: (progress: FaceProgress) => void;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Frame geometry, chosen with `pnpm bench:face`: a square crop `CROP_SIDE` face widths wide,
 * fixed around the face of the neutral frame (so moving closer grows the face in it), scaled to
 * `FRAME_SIDE` pixels and JPEG-encoded at `JPEG_QUALITY`.
 */
export const FRAME_CAPTURE = { cropSide: 2.4, frameSide: 512, jpegQuality: 0.9 } as const;

/**
 * Runs a liveness session on the camera: waits for one well-framed face held still, captures the
 * neutral frame, then asks for each challenge action in turn (telling the user what to do through
 * `onProgress`) and captures a frame when the tracking sees it. Returns the evidence: those few
 * frames, compressed, for the server — which measures and decides on them itself; the tracking
 * here only chooses the moments. The frames leave the browser only in this evidence.
 * @throws TwofoldClientError `FACE_TIMEOUT` or `ABORTED`.
 */
export async function captureFaceEvidence(options: CaptureOptions): Promise<FaceEvidence> {
  const { engine, video, challenge } = options;
  const poses: FacePose[] = ['neutral', ...challenge.actions];
  const frames: FaceEvidenceFrame[] = [];
  const start = performance.now();
  const timeout = options.timeoutMs ?? 30_000;
  const light = brightnessMeter();
  const sharp = sharpnessMeter();
  const grab = frameGrabber();
  const snapshot = videoSnapshot();
  const steady: PoseMeasure[] = [];
  let neutral: PoseMeasure | null = null;
  let neutralCentre: FaceTarget = { x: 0, y: 0 };
  let crop: Rect | null = null;
  // After the neutral frame, where the tracker looks for the face (`observe`'s `near`): the neutral
  // frame's box, moved with the face (by its centre in the last frame that showed it). The tiny
  // detector then sees every action frame placed and scaled as it saw the neutral one, instead of
  // wherever the face falls on its anchor grid (see `FaceEngine.observe`).
  let neutralBox: Rect | null = null;
  let near: Rect | null = null;
  // The neutral frame's box moved so that the face's centre is at `c` (video pixels).
  const neutralBoxAt = (box: Rect, c: FaceTarget): Rect => ({ ...box, x: box.x + c.x - neutralCentre.x, y: box.y + c.y - neutralCentre.y });
  // The current action's target in video pixels (the server checks it in frame fractions, which
  // are the same thing divided by the crop side: every frame is that crop).
  const targetOf = (i: number) => {
    const t = challenge.targets?.[i] ?? { x: 0, y: 0 };
    return {
      x: neutralCentre.x + t.x * crop!.width,
      y: neutralCentre.y + t.y * crop!.width,
      radius: FACE_TARGETS.captureTolerance * crop!.width,
    };
  };
  const target = () => (crop && frames.length > 0 && frames.length < poses.length ? targetOf(frames.length - 1) : null);
  const report = (guidance: FaceGuidance, box: Rect | null, centre: FaceTarget | null = null) =>
    options.onProgress?.({ guidance, done: frames.length, total: poses.length, box, target: target(), centre });
  const evidence = (): FaceEvidence => ({ version: 2, challengeId: challenge.challengeId, frames });
  for (;;) {
    if (options.signal?.aborted) throw new TwofoldClientError('ABORTED', 'The face capture was cancelled.');
    if (performance.now() - start > timeout) {
      // The server decides liveness, not this loop: once the neutral frame is taken, an
      // incomplete session goes to it anyway with the current picture for each missing action
      // (a photo held still then gets the server's LIVENESS_FAILED, and is counted there).
      if (crop) {
        while (frames.length < poses.length) {
          await nextVideoFrame(video);
          frames.push({ pose: poses[frames.length]!, image: await grab(snapshot(video), crop) });
        }
        report('sending', null);
        return evidence();
      }
      throw new TwofoldClientError('FACE_TIMEOUT', 'No complete face session in time; try again with better light and framing.');
    }
    // Wait for a new camera frame: measuring the same frame twice is wasted work, and WASM
    // inference resolves without yielding — without this the page could not repaint the guidance
    // or run its timers (a canvas-backed camera would freeze).
    await nextVideoFrame(video);
    // The frame that is measured is the frame that is sent: a snapshot, not the live video, which
    // may have moved on (to another pose) while the tracker ran.
    const shot = snapshot(video);
    // During an action: where the face was last, else where it is asked to go (a face that jumped
    // there between two frames), else (in the engine) the whole frame. A second face counts only
    // when found in the same place (the region is ~1.04 crop sides wide: what the server will see).
    const goal = crop && neutralBox && frames.length < poses.length ? targetOf(frames.length - 1) : null;
    const places = near && goal ? [near, neutralBoxAt(neutralBox!, goal)] : [];
    const faces = await engine.observe(shot, { maxFaces: 2, ...(places.length > 0 && { near: places }) });
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (faces.length === 0) {
      report(light(video) < 40 ? 'too_dark' : 'no_face', null);
      continue;
    }
    // Several faces only when another is of comparable size (as the server judges): a small
    // detection (a poster, a false positive of the lenient tracker) is ignored.
    const face = faces[0]!;
    if (faces.slice(1).some((f) => f.box.width >= face.box.width * 0.5)) {
      report('several_faces', null);
      continue;
    }
    const measure: PoseMeasure = { width: face.box.width, yaw: face.yaw };
    if (!crop) {
      // Framing first; then the neutral pose held still for a few frames.
      const size = face.box.width / w;
      const off = Math.hypot(face.box.x + face.box.width / 2 - w / 2, face.box.y + face.box.height / 2 - h / 2) / w;
      const problem: FaceGuidance | null =
        size < 0.15
          ? 'too_far'
          : size > 0.4
            ? 'too_close'
            : off > 0.2
              ? 'off_centre'
              : !(Math.abs(face.yaw) <= FACE_POSE.frontal * 0.6)
                ? 'look_at_camera'
                : light(video) < 40
                  ? 'too_dark'
                  : sharp(video, face.box) < 3
                    ? 'blurry'
                    : null;
      if (problem) {
        steady.length = 0;
        report(problem, face.box);
        continue;
      }
      steady.push(measure);
      if (steady.length > 3) steady.shift();
      if (steady.length < 3 || !steady.every((m) => showsPose('neutral', m, steady[0]!))) {
        report('hold_still', face.box);
        continue;
      }
      // The reference is measured as the action frames will be: in the region placed on this box
      // (the same size all session: the detector's box is not proportional to the region's size,
      // so a region sized by a box found in a region would drift). Should the region miss it, the
      // session measures whole frames, as the reference was.
      const [ref] = await engine.observe(shot, { maxFaces: 1, near: face.box });
      const reference = ref ?? face;
      neutral = { width: reference.box.width, yaw: reference.yaw };
      neutralCentre = faceCentre(reference.landmarks);
      neutralBox = ref ? face.box : null;
      near = neutralBox;
      crop = cropAround(face.box, w, h);
      frames.push({ pose: 'neutral', image: await grab(shot, crop) });
    } else {
      const c = faceCentre(face.landmarks);
      if (neutralBox && Number.isFinite(c.x) && Number.isFinite(c.y)) near = neutralBoxAt(neutralBox, c);
      const pose = poses[frames.length]!;
      const t = targetOf(frames.length - 1);
      // Captured only at the target (by a margin over the server's tolerance) and while the whole
      // face is inside the crop the server will see.
      const there = onTarget({ x: 0, y: 0 }, c, t, t.radius);
      if (there && clearlyShows(pose, measure, neutral!) && inside(face.box, crop)) frames.push({ pose, image: await grab(shot, crop) });
      else if (!there) {
        report('reach_target', face.box, c);
        continue;
      }
    }
    if (frames.length === poses.length) {
      report('done', face.box);
      return evidence();
    }
    report(poses[frames.length] as FaceAction, face.box, faceCentre(face.landmarks));
  }
}

type Rect = { x: number; y: number; width: number; height: number };

/** Resolves at the video's next frame (`requestVideoFrameCallback`), or after a short timer. */
function nextVideoFrame(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    video.requestVideoFrameCallback?.(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The pose, by a margin over the server's rule: this tracker (a smaller detector and landmark
 * model) measures a little differently from the server's, and a frame captured at the very edge
 * of the rule could fail there.
 */
function clearlyShows(pose: FacePose, m: PoseMeasure, neutral: PoseMeasure): boolean {
  if (!showsPose(pose, m, neutral)) return false;
  if (pose === 'turn_left' || pose === 'turn_right') return Math.abs(m.yaw - neutral.yaw) >= FACE_POSE.turn * CAPTURE_MARGIN.turn;
  if (pose === 'move_closer') return m.width >= neutral.width * FACE_POSE.closer * CAPTURE_MARGIN.closer;
  return true;
}

/** How much beyond the server's thresholds the client waits before capturing. */
const CAPTURE_MARGIN = { turn: 1.3, closer: 1.06 } as const;

/** The square camera area every frame of the session is cut from, around the neutral face. */
function cropAround(box: Rect, w: number, h: number): Rect {
  const side = Math.min(box.width * FRAME_CAPTURE.cropSide, w, h);
  const x = Math.min(Math.max(0, box.x + box.width / 2 - side / 2), w - side);
  const y = Math.min(Math.max(0, box.y + box.height / 2 - side / 2), h - side);
  return { x, y, width: side, height: side };
}

const inside = (box: Rect, crop: Rect) =>
  box.x >= crop.x && box.y >= crop.y && box.x + box.width <= crop.x + crop.width && box.y + box.height <= crop.y + crop.height;

/** Copies the current video frame into a canvas (one reused canvas). */
function videoSnapshot() {
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d')!;
  return (video: HTMLVideoElement): HTMLCanvasElement => {
    if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
    }
    g.drawImage(video, 0, 0);
    return canvas;
  };
}

/** Cuts `crop` out of a snapshot, scales it to the frame side and JPEG-encodes it (base64). */
function frameGrabber() {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = FRAME_CAPTURE.frameSide;
  const g = canvas.getContext('2d')!;
  return async (source: HTMLCanvasElement, crop: Rect): Promise<string> => {
    g.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', FRAME_CAPTURE.jpegQuality));
    if (!blob) throw new TwofoldClientError('FACE_TIMEOUT', 'This browser could not encode a camera frame.');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
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
  return (video: HTMLVideoElement, box: Rect) => {
    g.drawImage(video, box.x, box.y, box.width, box.height, 0, 0, 64, 64);
    const d = g.getImageData(0, 0, 64, 64).data;
    const y = (i: number, j: number) => {
      const p = (j * 64 + i) * 4;
      return 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
    };
    let sum = 0;
    for (let j = 1; j < 63; j++)
      for (let i = 1; i < 63; i++) sum += Math.abs(4 * y(i, j) - y(i - 1, j) - y(i + 1, j) - y(i, j - 1) - y(i, j + 1));
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
  return {
    video,
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
    },
  };
}
