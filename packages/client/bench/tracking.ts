/**
 * `pnpm bench:tracking` — the browser's face TRACKING engines compared in headless Chromium:
 * face-api (tiny detector at 320 + 68 landmarks, tfjs WASM; `createFaceEngine`) and MediaPipe's
 * FaceDetector (BlazeFace short-range, Tasks WASM on the CPU; `createMediaPipeTracker`).
 *
 * - Speed: warm ms/frame and fps of `observe(video, { maxFaces: 2 })` on a 640×480 fake camera
 *   (one of face-api's sample photos, `writeFakeCameraY4m`), engines interleaved per round.
 * - Detection: face-api's sample photos as 640×480 webcam frames; faces each engine finds, against
 *   the server pipeline (`@twofold/server/face`: SSD + 68 landmarks) on the same frame as JPEG.
 * - Pose agreement: 2D turns (strength 0..1, both ways) and approaches (zoom 1..1.5) of each
 *   sample's most frontal face, rendered as the fake camera does; the client engines measure the
 *   640×480 frame, the server pipeline the 384 px JPEG crop the client would send. From these,
 *   the MediaPipe yaw scale with margin: the client must never capture a turn the server refuses.
 * - Size: gzip of each engine's JS (a Vite build of a page importing only it, all chunks) and of
 *   `@twofold/client/face` as a page uses it (capture + one engine), plus the model/WASM bytes each engine downloads.
 * MediaPipe posts usage logs to a Google endpoint: the page has CSP `connect-src 'self'`; requests
 * leaving localhost and CSP violations are counted and printed.
 * The last line is one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build, type Connect } from 'vite';
import { CHROMIUM_ARGS, fakeCameraArgs, findChromium, writeFakeCameraY4m } from '@twofold/testing';
import { FACE_POSE, yawOf } from '@twofold/protocol';
import { createFacePipeline } from '@twofold/server/face';
import { benchArgs } from '../../server/bench/args.js';
import { twofoldFaceAssets } from '../src/vite.js';
import { MEDIAPIPE_CALIBRATION } from '../src/face/tracker-mediapipe.js';
import { startBenchPage } from './face-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SAMPLE_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const SAMPLES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];

const values = benchArgs({ strings: ['rounds', 'frames', 'out'] });
const rounds = Number(values.rounds ?? 4);
const framesPerRound = Number(values.frames ?? 25);

type Box = { x: number; y: number; width: number; height: number };
type Seen = { box: Box; yaw: number; rawYaw?: number; score: number } | null;

const tmp = mkdtempSync(join(tmpdir(), 'twofold-tracking-'));
const samplesMw: Connect.NextHandleFunction = (req, res, next) => {
  const m = /^\/samples\/(sample\d\.jpg)$/.exec(req.url ?? '');
  if (!m) return next();
  res.setHeader('content-type', 'image/jpeg');
  res.end(readFileSync(join(SAMPLE_DIR, m[1]!)));
};
const { url, server } = await startBenchPage('tracking-page', [twofoldFaceAssets({ mediapipe: true })], samplesMw);
const pipeline = await createFacePipeline();
await pipeline.warmUp();

const outside: string[] = [];
let result: any;
try {
  // The fake camera: sample1's most frontal face, turning and coming closer.
  const helper = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const y4m = join(tmp, 'camera.y4m');
  try {
    const page = await helper.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    await page.evaluate(() => (window as any).init());
    const face = (await page.evaluate((u) => (window as any).faceOf(u), '/samples/sample1.jpg')) as {
      box: Box;
      eyes: { left: { x: number; y: number }; right: { x: number; y: number } };
    };
    const side = face.box.width * 2.6;
    const crop = {
      x: face.box.x + face.box.width / 2 - side / 2,
      y: face.box.y + face.box.height / 2 - (side * 0.75) / 2,
      width: side,
      height: side * 0.75,
    };
    // The speed figures count frames with one face: a camera filming none, or several, measures nothing.
    const seen = (await page.evaluate((cfg) => (window as any).cameraFaces(cfg), {
      url: '/samples/sample1.jpg',
      src: crop,
      eyes: face.eyes,
    })) as { faceapi: number; mediapipe: number };
    console.error(
      `[bench:tracking] fake camera's first frame: face-api ${seen.faceapi} face(s) (score ≥ 0.5), MediaPipe ${seen.mediapipe}`,
    );
    if (seen.faceapi !== 1 || seen.mediapipe !== 1)
      throw new Error(`the fake camera does not film one face (crop ${JSON.stringify(crop)}): ${JSON.stringify(seen)}`);
    await writeFakeCameraY4m(helper, {
      image: join(SAMPLE_DIR, 'sample1.jpg'),
      out: y4m,
      crop,
      eyes: face.eyes,
      fps: 10,
      script: [
        { motion: 'static', seconds: 1 },
        { motion: 'turn-left', seconds: 1 },
        { motion: 'turn-right', seconds: 1 },
        { motion: 'zoom', seconds: 1 },
      ],
    });
  } finally {
    await helper.close();
  }

  const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(y4m)] });
  try {
    const page = await browser.newPage();
    page.on('request', (r) => {
      if (!/^(https?|wss?):\/\/localhost[:/]|^(data|blob):/.test(r.url())) outside.push(r.url());
    });
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    const load = await page.evaluate(() => (window as any).init());
    console.error('[bench:tracking] speed…');
    const speed = await page.evaluate((cfg) => (window as any).speed(cfg), { rounds, frames: framesPerRound });
    console.error('[bench:tracking] sample photos…');
    const samples = (await page.evaluate(
      (u) => (window as any).samples(u),
      SAMPLES.map((s) => `/samples/${s}`),
    )) as { url: string; faceapi: Seen[]; mediapipe: Seen[]; jpeg: string }[];
    console.error('[bench:tracking] poses…');
    const poses: { sample: string; frames: { motion: string; t: number; faceapi: Seen; mediapipe: Seen; jpeg: string }[] }[] = [];
    for (const s of SAMPLES)
      poses.push({ sample: s, frames: await page.evaluate((u) => (window as any).poses({ url: u }), `/samples/${s}`) });
    const violations = (await page.evaluate(() => (window as any).finish())) as string[];
    result = { load, speed, samples, poses, violations };
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
}

// ---- the server's view of the same frames
const serverFaces = async (b64: string) =>
  (await pipeline.analyzeImage(Buffer.from(b64, 'base64'))).faces.map((f) => ({ box: f.box, yaw: yawOf(f.landmarks) }));
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const near = (a: Box, b: Box) => Math.hypot(centre(a).x - centre(b).x, centre(a).y - centre(b).y) < 0.5 * Math.max(a.width, b.width);

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const pct = (xs: number[], p: number) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

// Detection on the sample photos, against the server's SSD.
const detection = { server: 0, faceapi: 0, mediapipe: 0, faceapiFalse: 0, mediapipeFalse: 0 };
const samplePairs: { server: number; faceapi?: number; mediapipeRaw?: number; serverW: number; faceapiW?: number; mediapipeW?: number }[] =
  [];
for (const s of result.samples) {
  const ref = await serverFaces(s.jpeg);
  detection.server += ref.length;
  for (const name of ['faceapi', 'mediapipe'] as const) {
    const seen = (s[name] as Seen[]).filter((f): f is NonNullable<Seen> => f !== null);
    detection[name] += ref.filter((r) => seen.some((f) => near(r.box, f.box))).length;
    detection[`${name}False`] += seen.filter((f) => !ref.some((r) => near(r.box, f.box))).length;
  }
  for (const r of ref) {
    const a = (s.faceapi as Seen[]).find((f) => f && near(r.box, f.box));
    const m = (s.mediapipe as Seen[]).find((f) => f && near(r.box, f.box));
    samplePairs.push({
      server: r.yaw,
      serverW: r.box.width,
      ...(a && { faceapi: a.yaw, faceapiW: a.box.width }),
      ...(m && { mediapipeRaw: m.rawYaw!, mediapipeW: m.box.width }),
    });
  }
}

// Pose frames: deltas from each sample's neutral frame, client (640×480) vs server (384 crop).
type PoseRow = {
  sample: string;
  motion: string;
  t: number;
  server: { dyaw: number; grow: number } | null;
  faceapi: { dyaw: number; grow: number } | null;
  mediapipe: { dyawRaw: number; grow: number } | null;
};
const rows: PoseRow[] = [];
const neutralBoxes: { faceapi?: number; mediapipe?: number; server?: number }[] = [];
for (const p of result.poses as typeof result.poses) {
  const frames = p.frames as { motion: string; t: number; faceapi: Seen; mediapipe: Seen; jpeg: string }[];
  const measured = [];
  for (const f of frames) {
    const faces = await serverFaces(f.jpeg);
    measured.push(faces.length === 1 ? faces[0]! : null);
  }
  const [n, sn] = [frames[0]!, measured[0]];
  // Box width in the 640×480 frame (the server's is in the crop: scaled back by crop side / 384).
  neutralBoxes.push({ faceapi: n.faceapi?.box.width, mediapipe: n.mediapipe?.box.width });
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i]!;
    const s = measured[i];
    rows.push({
      sample: p.sample,
      motion: f.motion,
      t: f.t,
      server: s && sn ? { dyaw: s.yaw - sn.yaw, grow: s.box.width / sn.box.width } : null,
      faceapi: f.faceapi && n.faceapi ? { dyaw: f.faceapi.yaw - n.faceapi.yaw, grow: f.faceapi.box.width / n.faceapi.box.width } : null,
      mediapipe:
        f.mediapipe && n.mediapipe
          ? { dyawRaw: f.mediapipe.rawYaw! - n.mediapipe.rawYaw!, grow: f.mediapipe.box.width / n.mediapipe.box.width }
          : null,
    });
  }
}

if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, JSON.stringify({ rows, samplePairs, neutralBoxes }, null, 1));
}
const boxRatio = median(neutralBoxes.filter((b) => b.faceapi && b.mediapipe).map((b) => b.mediapipe! / b.faceapi!));
// Yaw on the sample photos (real head poses): least squares server ≈ a × raw MediaPipe + b.
const fit = (() => {
  const ps = samplePairs.filter((p) => p.mediapipeRaw !== undefined && Number.isFinite(p.server));
  const mx = ps.reduce((s, p) => s + p.mediapipeRaw!, 0) / ps.length;
  const my = ps.reduce((s, p) => s + p.server, 0) / ps.length;
  const a = ps.reduce((s, p) => s + (p.mediapipeRaw! - mx) * (p.server - my), 0) / ps.reduce((s, p) => s + (p.mediapipeRaw! - mx) ** 2, 0);
  const r =
    ps.reduce((s, p) => s + (p.mediapipeRaw! - mx) * (p.server - my), 0) /
    Math.sqrt(ps.reduce((s, p) => s + (p.mediapipeRaw! - mx) ** 2, 0) * ps.reduce((s, p) => s + (p.server - my) ** 2, 0));
  const b = my - a * mx;
  const sd = Math.sqrt(ps.reduce((s, p) => s + (p.server - (a * p.mediapipeRaw! + b)) ** 2, 0) / ps.length);
  return { a, b, r, sd, n: ps.length };
})();
// A scale with margin: a reported change of FACE_POSE.turn must be a server change of at least
// FACE_POSE.turn plus two residual SDs of a difference of two frames.
const safeScale = (FACE_POSE.turn * fit.a) / (FACE_POSE.turn + 2 * fit.sd * Math.SQRT2);

// Signed turn deltas (positive = in the requested direction: left is negative yaw).
const turns = rows.filter((r) => r.motion.startsWith('turn') && r.server);
const dir = (r: PoseRow) => (r.motion === 'turn-left' ? -1 : 1);
const both = turns.filter((r) => r.mediapipe);
// Least-squares slope through the origin: server Δyaw ≈ slope × raw MediaPipe Δyaw.
const slope = both.reduce((s, r) => s + r.server!.dyaw * r.mediapipe!.dyawRaw, 0) / both.reduce((s, r) => s + r.mediapipe!.dyawRaw ** 2, 0);
// The largest raw MediaPipe turn seen on a frame where the server measured less than the turn
// threshold: a client threshold above it never captured a turn the server refused (here).
const refusedRaw = Math.max(
  0,
  ...both.filter((r) => !(dir(r) * r.server!.dyaw >= FACE_POSE.turn)).map((r) => dir(r) * r.mediapipe!.dyawRaw),
);
const faTurns = turns.filter((r) => r.faceapi);
const refusedFa = Math.max(0, ...faTurns.filter((r) => !(dir(r) * r.server!.dyaw >= FACE_POSE.turn)).map((r) => dir(r) * r.faceapi!.dyaw));
const capturedMp = both.filter((r) => dir(r) * r.mediapipe!.dyawRaw * MEDIAPIPE_CALIBRATION.yawScale >= FACE_POSE.turn);
const capturedFa = faTurns.filter((r) => dir(r) * r.faceapi!.dyaw >= FACE_POSE.turn);
const refusedOf = (xs: PoseRow[]) => xs.filter((r) => !(dir(r) * r.server!.dyaw >= FACE_POSE.turn)).length;
const minServer = (xs: PoseRow[]) => Math.min(...xs.map((r) => dir(r) * r.server!.dyaw));
// Strongest turn the client still misses (the user has to turn further than the server needs).
const reached = (pred: (r: PoseRow) => boolean, xs: PoseRow[]) => xs.filter(pred).length;

const zooms = rows.filter((r) => r.motion === 'zoom' && r.server);
const growErr = (k: 'faceapi' | 'mediapipe') => zooms.filter((r) => r[k]).map((r) => r[k]!.grow - r.server!.grow);
const closerRefused = (k: 'faceapi' | 'mediapipe') =>
  zooms.filter((r) => r[k] && r[k]!.grow >= FACE_POSE.closer && !(r.server!.grow >= FACE_POSE.closer)).length;
const closerCaptured = (k: 'faceapi' | 'mediapipe') => zooms.filter((r) => r[k] && r[k]!.grow >= FACE_POSE.closer).length;

// ---- sizes: Vite builds of a page importing one engine, and the whole face entry.
async function chunkGzip(code: string) {
  const root = join(tmp, `build-${Math.random().toString(36).slice(2)}`);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./main.ts"></script>');
  writeFileSync(join(root, 'main.ts'), code);
  const out = (await build({
    configFile: false,
    root,
    logLevel: 'error',
    resolve: { conditions: ['@twofold/source'] },
    build: { write: false, outDir: join(root, 'dist') },
  })) as
    | { output: { type: string; fileName: string; code?: string }[] }[]
    | { output: { type: string; fileName: string; code?: string }[] };
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  const js = outputs.filter((o) => o.type === 'chunk').map((o) => o.code!);
  return { raw: js.reduce((s, c) => s + Buffer.byteLength(c), 0), gzip: js.reduce((s, c) => s + gzipSync(c, { level: 9 }).length, 0) };
}
const src = (p: string) => join(here, '..', 'src', p).replaceAll('\\', '/');
const chunks = {
  faceapi: await chunkGzip(`import { createFaceEngine } from '${src('face/engine.ts')}'; (window as any).x = createFaceEngine;`),
  mediapipe: await chunkGzip(
    `import { createMediaPipeTracker } from '${src('face/tracker-mediapipe.ts')}'; (window as any).x = createMediaPipeTracker;`,
  ),
  // The face entry as a page uses it: capture plus one engine (the demo today: face-api).
  entryFaceapi: await chunkGzip(
    `import { captureFaceEvidence, createFaceEngine } from '${src('face/index.ts')}'; (window as any).x = [captureFaceEvidence, createFaceEngine];`,
  ),
  entryMediapipe: await chunkGzip(
    `import { captureFaceEvidence, createMediaPipeTracker } from '${src('face/index.ts')}'; (window as any).x = [captureFaceEvidence, createMediaPipeTracker];`,
  ),
};
const fileBytes = (paths: string[]) => {
  const bufs = paths.map((p) => readFileSync(p));
  return { raw: bufs.reduce((s, b) => s + b.length, 0), gzip: bufs.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0) };
};
const faModel = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const tfWasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const mpWasm = dirname(require.resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm'));
const assets = {
  // What each engine downloads in a SIMD browser (tracking only: no recognition net).
  faceapi: fileBytes([
    ...['tiny_face_detector_model', 'face_landmark_68_model'].flatMap((m) => [
      join(faModel, `${m}.bin`),
      join(faModel, `${m}-weights_manifest.json`),
    ]),
    join(tfWasm, 'tfjs-backend-wasm-simd.wasm'),
  ]),
  mediapipe: (() => {
    const f = fileBytes([join(mpWasm, 'vision_wasm_internal.wasm'), join(mpWasm, 'vision_wasm_internal.js')]);
    const model = readFileSync(
      join(dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite'),
    );
    return { raw: f.raw + model.length, gzip: f.gzip + gzipSync(model, { level: 9 }).length };
  })(),
};
rmSync(tmp, { recursive: true, force: true });

// ---- report
const speedOf = (k: string) => {
  const ms = result.speed.ms[k] as number[];
  return { median: median(ms), p90: pct(ms, 0.9), fps: 1000 / median(ms), found: result.speed.found[k] / ms.length };
};
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
console.log(
  `machine: shared 2 cores (other work running); Chromium headless, WASM/CPU; ${rounds} rounds × ${framesPerRound} frames per engine, interleaved, warm`,
);
for (const k of ['faceapi', 'mediapipe'] as const) {
  const s = speedOf(k);
  console.log(
    `${k.padEnd(9)} load ${result.load[k].loadMs.toFixed(0)} ms (${result.load[k].backend}); tracking median ${s.median.toFixed(1)} ms/frame (p90 ${s.p90.toFixed(1)}) = ${s.fps.toFixed(1)} fps; ` +
      `one face in ${(s.found * 100).toFixed(0)}% of camera frames; JS chunk ${kb(chunks[k].gzip)} gzip (${kb(chunks[k].raw)} raw); assets ${kb(assets[k].gzip)} gzip (${kb(assets[k].raw)} raw)`,
  );
}
console.log(
  `@twofold/client/face as a page uses it (capture + engine, all chunks): with face-api ${kb(chunks.entryFaceapi.gzip)} gzip (today), with MediaPipe ${kb(chunks.entryMediapipe.gzip)} gzip`,
);
console.log(
  `sample photos (640×480): server SSD finds ${detection.server} faces; face-api tiny finds ${detection.faceapi} of them (+${detection.faceapiFalse} not found by the server), MediaPipe ${detection.mediapipe} (+${detection.mediapipeFalse})`,
);
const mpSample = samplePairs.filter((p) => p.mediapipeRaw !== undefined);
const faSample = samplePairs.filter((p) => p.faceapi !== undefined);
console.log(
  `sample-photo yaw vs server 68-landmark yaw: face-api client |Δ| median ${median(faSample.map((p) => Math.abs(p.faceapi! - p.server))).toFixed(3)}; ` +
    `MediaPipe (fitted below) |Δ| median ${median(mpSample.map((p) => Math.abs(p.mediapipeRaw! * fit.a + fit.b - p.server))).toFixed(3)}; ` +
    `box width / server's: face-api ${median(faSample.map((p) => p.faceapiW! / p.serverW)).toFixed(2)}, MediaPipe ${median(mpSample.map((p) => p.mediapipeW! / p.serverW)).toFixed(2)}`,
);
console.log(
  `sample-photo yaw fit (real head poses, ${fit.n} faces): server 68-landmark yaw ≈ ${r3(fit.a)} × raw MediaPipe yaw + ${r3(fit.b)} (r = ${r3(fit.r)}, residual SD ${r3(fit.sd)}) → yawScale with a 2-SD margin ${r3(safeScale)} (shipped ${MEDIAPIPE_CALIBRATION.yawScale}); MediaPipe box / face-api box on the neutral frames: ${r3(boxRatio / MEDIAPIPE_CALIBRATION.boxScale)} raw, ${r3(boxRatio)} with boxScale ${MEDIAPIPE_CALIBRATION.boxScale}`,
);
console.log(
  `turn frames (${turns.length} with one server face; ${both.length} also seen by MediaPipe, ${faTurns.length} by face-api): server Δyaw ≈ ${r3(slope)} × raw MediaPipe Δyaw; ` +
    `largest raw MediaPipe Δyaw on a frame the server refused (< ${FACE_POSE.turn}): ${r3(refusedRaw)} → on these frames safe only below yawScale ${r3(FACE_POSE.turn / refusedRaw)}`,
);
console.log(
  `  at the shipped scales, turns the client would capture: MediaPipe ${capturedMp.length}/${both.length} (server refuses ${refusedOf(capturedMp)}; weakest server Δ ${r3(minServer(capturedMp))}), ` +
    `face-api ${capturedFa.length}/${faTurns.length} (server refuses ${refusedOf(capturedFa)}; weakest server Δ ${r3(minServer(capturedFa))}); largest face-api Δ on a refused frame ${r3(refusedFa)}; ` +
    `server accepts ${reached((r) => dir(r) * r.server!.dyaw >= FACE_POSE.turn, turns)}/${turns.length}`,
);
console.log(
  `closer frames (${zooms.length}): width growth − server's: face-api median ${median(growErr('faceapi')).toFixed(3)} (max ${Math.max(...growErr('faceapi')).toFixed(3)}), MediaPipe median ${median(growErr('mediapipe')).toFixed(3)} (max ${Math.max(...growErr('mediapipe')).toFixed(3)}); ` +
    `captured at ≥ ${FACE_POSE.closer}: face-api ${closerCaptured('faceapi')} (server refuses ${closerRefused('faceapi')}), MediaPipe ${closerCaptured('mediapipe')} (server refuses ${closerRefused('mediapipe')})`,
);
console.log(
  `requests leaving localhost: ${outside.length}${outside.length ? ` (${[...new Set(outside.map((u) => new URL(u).origin + new URL(u).pathname))].join(', ')})` : ''}; CSP violations: ${result.violations.length}${result.violations.length ? ` (${[...new Set(result.violations)].join(', ')})` : ''}`,
);
console.log(
  JSON.stringify({
    engines: Object.fromEntries(
      (['faceapi', 'mediapipe'] as const).map((k) => {
        const s = speedOf(k);
        return [
          k,
          {
            msPerFrame: r3(s.median),
            p90: r3(s.p90),
            fps: r3(s.fps),
            loadMs: Math.round(result.load[k].loadMs),
            chunkGzipKB: r3(chunks[k].gzip / 1024),
            assetsKB: r3(assets[k].raw / 1024),
            assetsGzipKB: r3(assets[k].gzip / 1024),
            detected: detection[k],
            falseDetections: detection[`${k}False`],
          },
        ];
      }),
    ),
    sampleYawFit: { a: r3(fit.a), b: r3(fit.b), r: r3(fit.r), sd: r3(fit.sd), n: fit.n, safeYawScale: r3(safeScale) },
    boxRatio: r3(boxRatio),
    faceEntryGzipKB: { faceapi: r3(chunks.entryFaceapi.gzip / 1024), mediapipe: r3(chunks.entryMediapipe.gzip / 1024) },
    serverFaces: detection.server,
    mediapipeYaw: {
      slope: r3(slope),
      refusedRawMax: r3(refusedRaw),
      yawScale: MEDIAPIPE_CALIBRATION.yawScale,
      captured: capturedMp.length,
      refused: refusedOf(capturedMp),
      turnFrames: both.length,
    },
    faceapiYaw: { captured: capturedFa.length, refused: refusedOf(capturedFa), refusedMax: r3(refusedFa), turnFrames: faTurns.length },
    closer: {
      faceapi: { captured: closerCaptured('faceapi'), refused: closerRefused('faceapi') },
      mediapipe: { captured: closerCaptured('mediapipe'), refused: closerRefused('mediapipe') },
    },
    outsideRequests: outside.length,
    cspViolations: result.violations.length,
  }),
);
process.exit(0);
