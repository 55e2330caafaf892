/**
 * `pnpm bench:face --faces DIR` — accuracy and cost of the SERVER face pipeline (the one that
 * decides: `@twofold/server/face`, face-api on tfjs WASM in Node).
 *
 * Accuracy: DIR holds one folder of images per person. Each image is framed the way the client
 * sends a frame — centred on a grey background `--pad` times its size (the client crops
 * `FRAME_CAPTURE.cropSide` face widths around the face), scaled to `--side` pixels, JPEG at
 * `--quality` — and measured by the pipeline. Every pair of images is compared (single frames),
 * and every image against a template made of two other images of each person (the "frame count"
 * question). Prints FMR/FNMR at the threshold, the margin (closest impostor − farthest genuine),
 * a ROC table; `--detector tiny` measures the Tiny Face Detector instead of SSD.
 *
 * Cost (`--speed`, default on): face checks of 4 frames each (a neutral frame and three
 * actions, made from face-api's sample photo) through the worker pool — one check alone
 * (latency from the last frame to the decision, minus upload) and `--concurrency` at once
 * (checks/s on this machine) — with the CPU time per check.
 *
 * The last line is one JSON object: genuinePairs, impostorPairs, fmr, fnmr, threshold, margin,
 * plus the template figures and cost.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { FACE_MATCH_THRESHOLD, descriptorDistance, meanDescriptor } from '@twofold/protocol';
import { createFaceAnalyzer, createFacePipeline } from '../src/adapters/face/index.js';

const { values } = parseArgs({
  options: {
    faces: { type: 'string' },
    pad: { type: 'string' },
    side: { type: 'string' },
    quality: { type: 'string' },
    detector: { type: 'string' },
    'tiny-size': { type: 'string' },
    'min-confidence': { type: 'string' },
    threshold: { type: 'string' },
    speed: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
if (!values.faces) {
  console.error('usage: pnpm bench:face --faces DIR [--pad 2.4] [--side 384] [--quality 90] [--detector ssd|tiny] [--min-confidence 0.4] [--threshold T] [--speed true|false]');
  process.exit(2);
}
const pad = Number(values.pad ?? 2.4);
const side = Number(values.side ?? 384);
const quality = Number(values.quality ?? 90);
const detector = (values.detector ?? 'ssd') as 'ssd' | 'tiny';
const threshold = values.threshold ? Number(values.threshold) : FACE_MATCH_THRESHOLD.value;
const facesDir = resolve(process.cwd(), values.faces);

const images = readdirSync(facesDir)
  .filter((p) => statSync(join(facesDir, p)).isDirectory())
  .sort()
  .flatMap((person) =>
    readdirSync(join(facesDir, person))
      .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
      .sort()
      .map((file) => ({ person, path: join(facesDir, person, file) })),
  );
if (images.length < 2) throw new Error(`no images under ${facesDir}`);

/** The image as the client would send it: centred on grey, `pad` times its size, `side` px, JPEG. */
async function asFrame(path: string): Promise<Buffer> {
  const meta = await sharp(path).metadata();
  const size = Math.round(Math.max(meta.width!, meta.height!) * pad);
  const left = Math.floor((size - meta.width!) / 2);
  const top = Math.floor((size - meta.height!) / 2);
  // Two pipelines: sharp resizes before it extends within one.
  const framed = await sharp(path)
    .toColourspace('srgb')
    .extend({ left, right: size - meta.width! - left, top, bottom: size - meta.height! - top, background: '#808080' })
    .png()
    .toBuffer();
  return sharp(framed).resize(side, side).jpeg({ quality }).toBuffer();
}

const pipeline = await createFacePipeline({
  detector,
  ...(values['tiny-size'] && { tinyInputSize: Number(values['tiny-size']) }),
  ...(values['min-confidence'] && { minConfidence: Number(values['min-confidence']) }),
});
await pipeline.warmUp();
const measured: { person: string; descriptor: number[] | null; ms: number; bytes: number }[] = [];
for (const image of images) {
  const frame = await asFrame(image.path);
  const t = performance.now();
  const analysis = await pipeline.analyzeImage(frame);
  const ms = performance.now() - t;
  const face = analysis.faces.length === 1 ? analysis.faces[0]! : null;
  measured.push({ person: image.person, descriptor: face?.descriptor.length ? face.descriptor : null, ms, bytes: frame.length });
}
const found = measured.filter((m) => m.descriptor);
// Failure to acquire (no face, or several): such a frame fails the check, so every genuine
// comparison it takes part in counts as a false non-match in `fnmrWithFta`.
const missed = measured.length - found.length;
const genuineAll = images.reduce((n, a, i) => n + images.slice(i + 1).filter((b) => b.person === a.person).length, 0);

// Single frame against single frame.
const genuine: number[] = [];
const impostor: number[] = [];
for (let i = 0; i < found.length; i++) {
  for (let j = i + 1; j < found.length; j++) {
    const d = descriptorDistance(found[i]!.descriptor!, found[j]!.descriptor!);
    (found[i]!.person === found[j]!.person ? genuine : impostor).push(d);
  }
}
// A template of two frames (the mean, as enrolment does) against every other frame.
const tGenuine: number[] = [];
const tImpostor: number[] = [];
const people = [...new Set(found.map((m) => m.person))];
for (const person of people) {
  const own = found.filter((m) => m.person === person);
  for (let a = 0; a < own.length; a++) {
    for (let b = a + 1; b < own.length; b++) {
      const template = meanDescriptor([own[a]!.descriptor!, own[b]!.descriptor!]);
      for (const probe of found) {
        if (probe === own[a] || probe === own[b]) continue;
        (probe.person === person ? tGenuine : tImpostor).push(descriptorDistance(template, probe.descriptor!));
      }
    }
  }
}
const rates = (gen: number[], imp: number[], t: number) => ({
  fmr: imp.filter((d) => d <= t).length / Math.max(1, imp.length),
  fnmr: gen.filter((d) => !(d <= t)).length / Math.max(1, gen.length),
  margin: Math.min(...imp) - Math.max(...gen),
});
const single = rates(genuine, impostor, threshold);
const fnmrWithFta = (genuine.filter((d) => !(d <= threshold)).length + (genuineAll - genuine.length)) / Math.max(1, genuineAll);
const templated = rates(tGenuine, tImpostor, threshold);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

console.log(`pipeline: ${pipeline.model}; frames: pad ${pad}x, ${side} px, JPEG q${quality} (median ${Math.round(median(measured.map((m) => m.bytes)) / 1024)} KB)`);
console.log(`images: ${images.length} of ${new Set(images.map((i) => i.person)).size} people; exactly one face found in ${found.length}; median ${median(measured.map((m) => m.ms)).toFixed(0)} ms per frame (one thread)`);
console.log(`single frames: ${genuine.length} genuine / ${impostor.length} impostor pairs; genuine max ${f3(Math.max(...genuine))}, impostor min ${f3(Math.min(...impostor))}; margin ${f3(single.margin)}`);
console.log(`  at ${threshold}: FMR ${pct(single.fmr)}, FNMR ${pct(single.fnmr)} (${pct(fnmrWithFta)} counting the ${missed} frames without exactly one face as failures)`);
console.log(`two-frame template: ${tGenuine.length} genuine / ${tImpostor.length} impostor comparisons; genuine max ${f3(Math.max(...tGenuine))}, impostor min ${f3(Math.min(...tImpostor))}; margin ${f3(templated.margin)}`);
console.log(`  at ${threshold}: FMR ${pct(templated.fmr)}, FNMR ${pct(templated.fnmr)}`);
console.log('ROC, single frames (threshold: FMR / FNMR):');
for (let t = 0.4; t <= 0.8001; t += 0.05) {
  const r = rates(genuine, impostor, t);
  console.log(`  ${t.toFixed(2)}: ${pct(r.fmr)} / ${pct(r.fnmr)}`);
}

let cost: Record<string, number> | undefined;
if (values.speed !== 'false') cost = await speed(Number(values.concurrency ?? 4));

console.log(
  JSON.stringify({
    threshold,
    fmr: Number(single.fmr.toFixed(4)),
    fnmr: Number(single.fnmr.toFixed(4)),
    fnmrWithFta: Number(fnmrWithFta.toFixed(4)),
    failedToAcquire: missed,
    margin: Number(single.margin.toFixed(4)),
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    template: { fmr: Number(templated.fmr.toFixed(4)), fnmr: Number(templated.fnmr.toFixed(4)), margin: Number(templated.margin.toFixed(4)) },
    detector,
    pad,
    side,
    quality,
    facesFound: found.length,
    images: images.length,
    ...(cost && { cost }),
  }),
);

/** Checks of 4 frames through the worker pool: alone, then `concurrency` at once. */
async function speed(concurrency: number): Promise<Record<string, number>> {
  const require = createRequire(import.meta.url);
  const sample = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo/sample2.jpg');
  // Four different frames of one face (crops at slightly different scales), as a check sends.
  const meta = await sharp(sample).metadata();
  const frames = await Promise.all(
    [1, 0.95, 0.9, 0.85].map((k) => {
      const w = Math.round(meta.width! * k);
      const h = Math.round(meta.height! * k);
      return sharp(sample).extract({ left: Math.round((meta.width! - w) / 2), top: Math.round((meta.height! - h) / 2), width: w, height: h }).resize(side, side, { fit: 'inside' }).jpeg({ quality }).toBuffer();
    }),
  );
  const threads = availableParallelism();
  const analyzer = createFaceAnalyzer({ threads, maxPending: 64 });
  await analyzer.ready();
  const check = async () => {
    const t = performance.now();
    await analyzer.analyze({ images: frames });
    return performance.now() - t;
  };
  await check();
  const alone: number[] = [];
  let cpu = process.cpuUsage();
  for (let i = 0; i < 8; i++) alone.push(await check());
  const cpuAlone = process.cpuUsage(cpu);
  const cpuPerCheckMs = (cpuAlone.user + cpuAlone.system) / 1000 / alone.length;
  const rounds = 4;
  const started = performance.now();
  cpu = process.cpuUsage();
  const together: number[] = [];
  for (let r = 0; r < rounds; r++) together.push(...(await Promise.all(Array.from({ length: concurrency }, check))));
  const seconds = (performance.now() - started) / 1000;
  await analyzer.close();
  const figures = {
    threads,
    checkAloneMedianMs: Math.round(median(alone)),
    cpuPerCheckMs: Math.round(cpuPerCheckMs),
    concurrency,
    checksPerSecond: Number(((rounds * concurrency) / seconds).toFixed(2)),
    checkUnderLoadMedianMs: Math.round(median(together)),
  };
  console.log(
    `cost (4-frame checks, ${threads} worker threads): alone median ${figures.checkAloneMedianMs} ms, CPU ${figures.cpuPerCheckMs} ms per check; ` +
      `${concurrency} at once: ${figures.checksPerSecond} checks/s, median ${figures.checkUnderLoadMedianMs} ms`,
  );
  return figures;
}
