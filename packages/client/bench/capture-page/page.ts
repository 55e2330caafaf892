import { FACE_POSE, FACE_TARGETS, faceCentre, showsPose, type FaceChallenge } from '@twofold/protocol';
import { captureFaceEvidence, startCamera, type FaceProgress } from '../../src/face/capture.js';
import { createFaceEngine, type FaceEngine } from '../../src/face/engine.js';
import { DEFAULT_FACE_ASSETS } from '../../src/face/index.js';
// The steerable camera's picture (internal to @twofold/testing, browser-safe): the sweep draws frames as the camera does.
import { steerableCanvas } from '../../../testing/src/camera-drawing.js';

/** One measured frame of the sweep (read by ../capture.ts). */
export type SweepRow = {
  pose: string;
  x: number;
  y: number;
  frame: number;
  found: boolean;
  off?: number;
  shows?: boolean;
  inside?: boolean;
  ms: number;
};

/** One tracker pass as the capture loop saw it: what the test camera showed, what the tracker made of it. */
type Seen = {
  /** The camera's pose when the frame was taken (the steerable camera's page state). */
  pose: string;
  /** The action the capture was waiting for (none before the neutral frame). */
  awaiting?: string;
  faces: number;
  /** The largest face's box width (px), yaw proxy and detector score. */
  width?: number;
  yaw?: number;
  score?: number;
  ms: number;
  guidance?: string;
  /** Distance of the face's centre from the drawn mark, in frame sides (the client's crop). */
  off?: number;
};

let engine: FaceEngine;
let camera: Awaited<ReturnType<typeof startCamera>>;

async function init() {
  engine = await createFaceEngine({ ...DEFAULT_FACE_ASSETS });
  camera = await startCamera();
  return { backend: engine.backend, loadMs: engine.loadMs, size: [camera.video.videoWidth, camera.video.videoHeight] };
}

const cameraPose = () => ((globalThis as any).__twofoldSteerableCamera?.pose?.() as string | undefined) ?? 'unknown';

/**
 * One capture as the demo runs it: the challenge is fetched (the steerable camera sees it and
 * starts following), then `captureFaceEvidence` runs with the time limit.
 */
async function trial(cfg: { index: number; timeoutMs: number }) {
  const challenge = (await (await fetch(`/challenge/${cfg.index}`)).json()) as FaceChallenge;
  const frames: Seen[] = [];
  let pending: Seen | null = null;
  let done = 0;
  const tracked = {
    ...engine,
    observe: async (input: HTMLCanvasElement, o?: { maxFaces?: number }) => {
      const pose = cameraPose();
      const t = performance.now();
      const faces = await engine.observe(input, o);
      const f = faces[0];
      pending = {
        pose,
        faces: faces.length,
        ms: performance.now() - t,
        ...(done > 0 && { awaiting: challenge.actions[done - 1] }),
        ...(f && { width: f.box.width, yaw: f.yaw, score: f.score }),
      };
      frames.push(pending);
      return faces;
    },
  } as FaceEngine;
  const steps: { guidance: string; done: number; at: number }[] = [];
  const start = performance.now();
  const onProgress = (p: FaceProgress) => {
    done = p.done;
    if (pending) {
      pending.guidance = p.guidance;
      if (p.centre && p.target) {
        const side = p.target.radius / 0.03; // FACE_TARGETS.captureTolerance × the crop side
        pending.off = Math.hypot(p.centre.x - p.target.x, p.centre.y - p.target.y) / side;
      }
      pending = null;
    }
    const last = steps[steps.length - 1];
    if (!last || last.done !== p.done || (p.guidance === 'sending' && last.guidance !== 'sending'))
      steps.push({ guidance: p.guidance, done: p.done, at: performance.now() - start });
  };
  const evidence = await captureFaceEvidence({ engine: tracked, video: camera.video, challenge, timeoutMs: cfg.timeoutMs, onProgress });
  return { challenge, evidence, frames, steps, ms: performance.now() - start };
}

/** The capture loop's margins over the server's pose rules (capture.ts, CAPTURE_MARGIN). */
const MARGIN = { turn: 1.3, closer: 1.06 };

/**
 * Per-frame sweep, without the capture loop's timing: each pose's rendered frames drawn as the
 * steerable camera draws them (shifted by target × scale on grey, ±2 noise) at a grid of targets,
 * measured by the tracker against the neutral frame at the centre. Counts, per action and target,
 * the frames the tracker finds no face in, and the frames the capture loop would take (face at the
 * mark within the capture tolerance, pose shown by the margin, face inside the crop).
 */
async function sweep(cfg: { frames: Record<string, string[]>; xs: number[]; ys: number[]; tracked: boolean }) {
  let ms0 = 0;
  const load = async (u: string) => {
    const img = new Image();
    img.src = u;
    await img.decode();
    return img;
  };
  const images: Record<string, HTMLImageElement[]> = {};
  for (const [pose, urls] of Object.entries(cfg.frames)) images[pose] = await Promise.all(urls.map(load));
  const first = images.neutral![0]!;
  const { canvas, g, width: W, height: H, draw: paint } = steerableCanvas(first);
  const draw = (img: HTMLImageElement, t: { x: number; y: number }) => {
    paint(img, t);
    const data = g.getImageData(0, 0, W, H);
    const px = data.data;
    for (let i = 0; i < px.length; i++) if ((i & 3) !== 3) px[i] = px[i]! + Math.round((Math.random() * 2 - 1) * 2);
    g.putImageData(data, 0, 0);
    return canvas;
  };
  const [n0] = await engine.observe(draw(first, { x: 0, y: 0 }), { maxFaces: 2 });
  if (!n0) throw new Error('no face in the neutral frame');
  // As the capture loop measures (capture.ts): with an engine that has region searches, the
  // neutral reference in a region placed on its box, and each action frame in a region placed on
  // the neutral box moved with the face — here the face comes from the neutral position (as the
  // test camera's does) and is measured twice: the second pass, placed by the first, counts.
  const tracked = cfg.tracked;
  const [n] = tracked ? await engine.observe(canvas, { maxFaces: 1, near: n0.box }) : [n0];
  if (!n) throw new Error('no face in the neutral frame (region)');
  const neutral = { width: n.box.width, yaw: n.yaw };
  const centre0 = faceCentre(n.landmarks);
  const side = Math.min(n0.box.width * 2.4, W, H);
  const crop = {
    x: Math.min(Math.max(0, n0.box.x + n0.box.width / 2 - side / 2), W - side),
    y: Math.min(Math.max(0, n0.box.y + n0.box.height / 2 - side / 2), H - side),
  };
  const moved = (c: { x: number; y: number }) => ({ ...n0.box, x: n0.box.x + c.x - centre0.x, y: n0.box.y + c.y - centre0.y });
  const rows: SweepRow[] = [];
  for (const pose of ['turn_left', 'turn_right', 'move_closer']) {
    for (const x of cfg.xs)
      for (const y of cfg.ys)
        for (const [k, img] of (images[pose] ?? []).entries()) {
          const shot = draw(img, { x, y });
          let f: Awaited<ReturnType<FaceEngine['observe']>>[number] | undefined;
          const t0 = performance.now();
          if (tracked) {
            // As capture.ts: where the face was (here the neutral position), then where it is asked to go.
            const goal = moved({ x: centre0.x + x * side, y: centre0.y + y * side });
            const [first] = await engine.observe(shot, { maxFaces: 2, near: [n0.box, goal] });
            const t1 = performance.now();
            [f] = await engine.observe(shot, { maxFaces: 2, near: [first ? moved(faceCentre(first.landmarks)) : n0.box, goal] });
            ms0 = performance.now() - t1;
          } else [f] = await engine.observe(shot, { maxFaces: 2 });
          const ms = tracked ? ms0 : performance.now() - t0;
          if (!f) {
            rows.push({ pose, x, y, frame: k, found: false, ms });
            continue;
          }
          const c = faceCentre(f.landmarks);
          const off = Math.hypot(c.x - centre0.x - x * side, c.y - centre0.y - y * side) / side;
          const m = { width: f.box.width, yaw: f.yaw };
          const shows =
            showsPose(pose as 'turn_left', m, neutral) &&
            (pose === 'move_closer'
              ? m.width >= neutral.width * FACE_POSE.closer * MARGIN.closer
              : Math.abs(m.yaw - neutral.yaw) >= FACE_POSE.turn * MARGIN.turn);
          const b = f.box;
          const inside = b.x >= crop.x && b.y >= crop.y && b.x + b.width <= crop.x + side && b.y + b.height <= crop.y + side;
          rows.push({ pose, x, y, frame: k, found: true, off, shows, inside, ms });
        }
  }
  return { neutral: { ...neutral, side }, tolerance: FACE_TARGETS.captureTolerance, rows };
}

Object.assign(window, { init, trial, sweep });
document.title = 'ready';
