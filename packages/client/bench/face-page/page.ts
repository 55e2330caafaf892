import { createFaceEngine, type FaceBackend } from '../../src/face/engine.js';

/** Runs the real engine on each image URL and returns what it saw, with timings. */
async function run(config: {
  backend: FaceBackend;
  images: { person: string; file: string; url: string }[];
  inputSize?: number;
  pad?: number;
}) {
  const engine = await createFaceEngine({
    modelBaseUrl: '/models',
    wasmBaseUrl: '/wasm/',
    backends: [config.backend],
    descriptors: true, // this bench measures the recognition net too
    ...(config.inputSize && { inputSize: config.inputSize }),
  });
  const results = [];
  for (const image of config.images) {
    const img = await framed(image.url, config.pad ?? 1);
    const t = performance.now();
    const faces = await engine.observe(img, { descriptor: true, maxFaces: 1 });
    const total = performance.now() - t;
    results.push({ ...image, found: faces.length, descriptor: faces[0]?.descriptor ?? null, ms: { ...faces[0]?.ms, total } });
  }
  // Tracking speed: detect + landmarks on the same image again, 10 times (warm).
  const img = await framed(config.images[0]!.url, config.pad ?? 1);
  const tracking: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await engine.observe(img, { maxFaces: 1 });
    tracking.push(performance.now() - t);
  }
  return { backend: engine.backend, loadMs: engine.loadMs, results, tracking };
}

/**
 * The image as a camera would frame it: centred on a neutral background `pad` times its size.
 * Tight face crops (the face filling the picture) are not what a webcam delivers, and the tiny
 * detector, trained on scenes, misses many of them.
 */
async function framed(url: string, pad: number): Promise<HTMLCanvasElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = Math.round(img.naturalWidth * pad);
  c.height = Math.round(img.naturalHeight * pad);
  const g = c.getContext('2d')!;
  g.fillStyle = '#7f7f7f';
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(img, (c.width - img.naturalWidth) / 2, (c.height - img.naturalHeight) / 2);
  return c;
}

async function loadOnly() {
  const t = performance.now();
  const engine = await createFaceEngine({ modelBaseUrl: '/models', wasmBaseUrl: '/wasm/', backends: ['wasm'] });
  return { ms: performance.now() - t, backend: engine.backend };
}

/** Faces in an image at its own scale: box and 68 landmarks, largest first. */
async function findFaces(url: string) {
  const engine = await createFaceEngine({ modelBaseUrl: '/models', wasmBaseUrl: '/wasm/', backends: ['wasm'] });
  const img = new Image();
  img.src = url;
  await img.decode();
  return (await engine.observe(img, { maxFaces: 10 })).map((f) => ({ box: f.box, landmarks: f.landmarks, yaw: f.yaw }));
}

/** Opens the camera and tracks the face for `ms`: per-frame time, box, yaw and eye openness. */
async function track(ms: number) {
  const engine = await createFaceEngine({ modelBaseUrl: '/models', wasmBaseUrl: '/wasm/', backends: ['wasm'] });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await video.play();
  const start = performance.now();
  const frames = [];
  while (performance.now() - start < ms) {
    const t = performance.now() - start;
    const [face] = await engine.observe(video, { maxFaces: 1 });
    frames.push(face ? { t, box: face.box, yaw: face.yaw, eyeOpenness: face.eyeOpenness } : { t, box: null, yaw: null, eyeOpenness: null });
  }
  (video.srcObject as MediaStream).getTracks().forEach((tr) => {
    tr.stop();
  });
  return { frames, size: [video.videoWidth, video.videoHeight] };
}

Object.assign(window, { run, loadOnly, findFaces, track });
document.title = 'ready';
