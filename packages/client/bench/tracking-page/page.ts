import { createFaceEngine, type FaceEngine } from '../../src/face/engine.js';
import { createMediaPipeTracker, DEFAULT_MEDIAPIPE_ASSETS, type MediaPipeTracker } from '../../src/face/tracker-mediapipe.js';
import { DEFAULT_FACE_ASSETS } from '../../src/face/index.js';
// The fake camera's motions (internal to @twofold/testing, browser-safe): the poses are rendered as it renders them.
import { drawFakeMotion } from '../../../testing/src/camera-drawing.js';

type Box = { x: number; y: number; width: number; height: number };
type Eyes = { left: { x: number; y: number }; right: { x: number; y: number } };
type Seen = { box: Box; yaw: number; rawYaw?: number; score: number } | null;

const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));

let fa: FaceEngine;
let mp: MediaPipeTracker;

async function init() {
  fa = await createFaceEngine({ ...DEFAULT_FACE_ASSETS, backends: ['wasm'] });
  mp = await createMediaPipeTracker(DEFAULT_MEDIAPIPE_ASSETS);
  return { faceapi: { backend: fa.backend, loadMs: fa.loadMs }, mediapipe: { backend: mp.backend, loadMs: mp.loadMs } };
}

const engines = () => ({
  faceapi: (i: HTMLVideoElement | HTMLCanvasElement) => fa.observe(i, { maxFaces: 2 }),
  mediapipe: (i: HTMLVideoElement | HTMLCanvasElement) => mp.observe(i, { maxFaces: 2 }),
});

/** Warm tracking speed on the (fake) camera: `rounds` rounds, engines interleaved, `frames` frames each. */
async function speed(cfg: { rounds: number; frames: number }) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await video.play();
  const ms: Record<string, number[]> = { faceapi: [], mediapipe: [] };
  const found: Record<string, number> = { faceapi: 0, mediapipe: 0 };
  const all = Object.entries(engines());
  for (let r = 0; r < cfg.rounds; r++) {
    for (const [name, observe] of r % 2 ? [...all].reverse() : all) {
      for (let i = 0; i < 3; i++) await observe(video); // warm
      for (let i = 0; i < cfg.frames; i++) {
        const t = performance.now();
        const faces = await observe(video);
        ms[name]!.push(performance.now() - t);
        if (faces.length === 1) found[name]!++;
        await new Promise((res) => requestAnimationFrame(res));
      }
    }
  }
  (video.srcObject as MediaStream).getTracks().forEach((t) => {
    t.stop();
  });
  return { ms, found, size: [video.videoWidth, video.videoHeight] };
}

async function load(url: string) {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

/**
 * A 640×480 "webcam frame" of `src` of an image (default: all of it), letterboxed on grey; moved
 * as the fake camera moves it (`drawFakeMotion`: `amount` is the zoom factor or the turn strength).
 */
function webcamFrame(img: HTMLImageElement, src?: Box, eyes?: Eyes, motion = 'static', amount = 1) {
  const c = document.createElement('canvas');
  c.width = 640;
  c.height = 480;
  const s = src ?? { x: 0, y: 0, width: img.naturalWidth, height: img.naturalHeight };
  drawFakeMotion(
    c.getContext('2d')!,
    img,
    { width: 640, height: 480, src: s, scale: Math.min(640 / s.width, 480 / s.height), eyes },
    motion,
    amount,
  );
  return c;
}

const jpeg = (c: HTMLCanvasElement, crop?: Box, side?: number) => {
  let out = c;
  if (crop && side) {
    out = document.createElement('canvas');
    out.width = out.height = side;
    out.getContext('2d')!.drawImage(c, crop.x, crop.y, crop.width, crop.height, 0, 0, side, side);
  }
  return out.toDataURL('image/jpeg', 0.9).split(',')[1]!;
};

const pick = (f: { box: Box; yaw: number; score: number; rawYaw?: number }): Seen => ({
  box: f.box,
  yaw: f.yaw,
  score: f.score,
  ...(f.rawYaw !== undefined && { rawYaw: f.rawYaw }),
});

/** Each sample photo as a 640×480 webcam frame: every face both engines see (matched on the server side), and the JPEG. */
async function samples(urls: string[]) {
  const out = [];
  for (const url of urls) {
    const c = webcamFrame(await load(url));
    const faceapi = (await fa.observe(c, { maxFaces: 20 })).map(pick);
    const mediapipe = (await mp.observe(c, { maxFaces: 20 })).map(pick);
    out.push({ url, faceapi, mediapipe, jpeg: jpeg(c) });
  }
  return out;
}

/**
 * 2D head turns and approaches of one sample face, rendered like the fake camera does
 * (`@twofold/testing` writeFakeCameraY4m): squeeze + shift + the part below the eyes slid against
 * the eyes, at turn strengths 0..1; zoom 1..1.5. Each frame: both engines on the 640×480 frame,
 * and the JPEG the client would send (the neutral-face crop, 2.4 face widths, 384 px).
 */
async function poses(cfg: { url: string }) {
  const img = await load(cfg.url);
  const { box, eyes } = await frontalFace(img);
  const side = box.width * 2.6;
  const src = { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - (side * 0.75) / 2, width: side, height: side * 0.75 };
  const script: { motion: string; t: number }[] = [{ motion: 'neutral', t: 0 }];
  for (let i = 1; i <= 10; i++) script.push({ motion: 'turn-left', t: i / 10 }, { motion: 'turn-right', t: i / 10 });
  for (let i = 1; i <= 10; i++) script.push({ motion: 'zoom', t: 1 + i * 0.05 });
  let crop: Box | null = null;
  const out = [];
  for (const s of script) {
    const c = webcamFrame(img, src, eyes, s.motion, s.t);
    const [a] = await fa.observe(c, { maxFaces: 1 });
    const [m] = await mp.observe(c, { maxFaces: 1 });
    if (!crop) {
      const b = (a ?? m)!.box;
      const sideC = Math.min(b.width * 2.4, 480);
      crop = {
        x: Math.min(Math.max(0, b.x + b.width / 2 - sideC / 2), 640 - sideC),
        y: Math.min(Math.max(0, b.y + b.height / 2 - sideC / 2), 480 - sideC),
        width: sideC,
        height: sideC,
      };
    }
    out.push({ ...s, faceapi: a ? pick(a) : null, mediapipe: m ? pick(m) : null, jpeg: jpeg(c, crop, 384) });
  }
  return out;
}

/**
 * Detections of a sample photo trusted as faces when choosing the face to film: score ≥ 0.5, the
 * engine's default threshold when this bench was written. The engine has admitted 0.3 since
 * 10c1571 (turned heads in the tracker), and on sample1 at full resolution that lets in two boxes on
 * the first woman's neck and chest (scores 0.47, 0.41) whose landmarks, fitted to no face, read as
 * the most frontal (yaw −0.04): the fake camera was centred on a chest and showed two real faces,
 * so neither engine saw one face in any camera frame. A score of 0.5 or more keeps the same boxes as
 * a 0.5 threshold would (a lower-scoring box never suppresses a higher one).
 */
const PHOTO_FACE_SCORE = 0.5;

/** The most frontal face of an image (face-api, full resolution): box and eye centres, for rendering motions. */
async function frontalFace(img: HTMLImageElement) {
  const faces = (await fa.observe(img, { maxFaces: 20 })).filter((f) => f.score >= PHOTO_FACE_SCORE);
  const face = [...faces].sort((a, b) => Math.abs(a.yaw) - Math.abs(b.yaw))[0];
  if (!face) throw new Error(`no face scoring ≥ ${PHOTO_FACE_SCORE} in ${img.src}`);
  const mean = (pts: { x: number; y: number }[]) => ({
    x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
    y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
  });
  return { box: face.box, eyes: { left: mean(face.landmarks.slice(36, 42)), right: mean(face.landmarks.slice(42, 48)) } };
}

async function faceOf(url: string) {
  return frontalFace(await load(url));
}

/**
 * Faces each engine finds in the fake camera's first frame (`src` of the image, at rest, as
 * `writeFakeCameraY4m` draws it), counting face-api's only at a score ≥ {@link PHOTO_FACE_SCORE}:
 * the bench checks that the camera films one face before it times tracking on it.
 */
async function cameraFaces(cfg: { url: string; src: Box; eyes: Eyes }) {
  const c = webcamFrame(await load(cfg.url), cfg.src, cfg.eyes);
  const faceapi = (await fa.observe(c, { maxFaces: 20 })).filter((f) => f.score >= PHOTO_FACE_SCORE).length;
  const mediapipe = (await mp.observe(c, { maxFaces: 20 })).length;
  return { faceapi, mediapipe };
}

/** Closes the MediaPipe runtime (it flushes its usage log then) and reports the CSP violations seen. */
async function finish() {
  mp.close();
  await new Promise((r) => setTimeout(r, 1500));
  return violations;
}

Object.assign(window, { init, speed, samples, poses, faceOf, cameraFaces, finish });
document.title = 'ready';
