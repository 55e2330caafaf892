/**
 * `pnpm bench:face:browser --faces DIR` — accuracy and speed of the BROWSER face pipeline (the
 * tracker, and the anchor the server pipeline replaced), in headless Chromium.
 *
 * DIR holds one folder of images per person. Every image goes through the real client engine
 * (tiny face detector at input 320, 68 landmarks, aligned 128-d descriptor); every pair of
 * images is compared. Prints FMR/FNMR at the default threshold, ROC points, per-stage latency per
 * backend and model-load times; writes the genuine/impostor distance distributions as an SVG
 * plot; ends with one JSON line.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '@twofold/testing';
import { FACE_MATCH_THRESHOLD, descriptorDistance } from '@twofold/protocol';

import { benchArgs } from '../../server/bench/args.js';
import { startFaceServer } from './face-server.js';

const values = benchArgs({ strings: ['faces', 'backends', 'out', 'threshold', 'pad'] });
if (!values.faces) {
  console.error('usage: pnpm bench:face --faces DIR [--backends wasm,webgl,cpu] [--pad 2] [--out DIR] [--threshold T]');
  process.exit(2);
}
const facesDir = resolve(process.cwd(), values.faces);
const outDir = resolve(process.cwd(), values.out ?? '.bench');
const backends = (values.backends ?? 'wasm,webgl,cpu').split(',') as ('wasm' | 'webgl' | 'cpu')[];
const threshold = values.threshold ? Number(values.threshold) : FACE_MATCH_THRESHOLD.value;
// Images are framed like a webcam picture: centred on a background `pad` times their size.
const pad = Number(values.pad ?? 2);

const images = readdirSync(facesDir)
  .filter((p) => statSync(join(facesDir, p)).isDirectory())
  .flatMap((person) =>
    readdirSync(join(facesDir, person))
      .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
      .sort()
      .map((file) => ({ person, file, url: `/faces/${encodeURIComponent(person)}/${encodeURIComponent(file)}` })),
  );
if (images.length < 2) throw new Error(`no images under ${facesDir}`);

const { url, server } = await startFaceServer({ facesDir });
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });

type Run = {
  backend: string;
  loadMs: number;
  results: { person: string; file: string; found: number; descriptor: number[] | null; ms: Record<string, number> }[];
  tracking: number[];
};
const runs: Record<string, Run> = {};
let loadCold = NaN;
let loadCached = NaN;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
  loadCold = (await page.evaluate(() => (window as any).loadOnly())).ms;
  await page.reload();
  await page.waitForFunction(() => document.title === 'ready');
  loadCached = (await page.evaluate(() => (window as any).loadOnly())).ms;
  for (const backend of backends) {
    const p = await context.newPage();
    await p.goto(url);
    await p.waitForFunction(() => document.title === 'ready');
    try {
      console.error(`[bench:face] ${backend}: ${images.length} images…`);
      runs[backend] = await p.evaluate((cfg) => (window as any).run(cfg), { backend, images, pad });
    } catch (error) {
      console.error(`[bench:face] ${backend} failed: ${(error as Error).message.split('\n')[0]}`);
    }
    await p.close();
  }
  // Does the detector find faces at its default input size (416)? (the "misses faces" question)
  const p = await context.newPage();
  await p.goto(url);
  await p.waitForFunction(() => document.title === 'ready');
  const at416 = (await p.evaluate((cfg) => (window as any).run(cfg), { backend: 'wasm', images, inputSize: 416, pad })) as Run;
  runs['wasm@416'] = at416;
} finally {
  await browser.close();
  await server.close();
}

const median = (xs: number[]) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const main = runs.wasm ?? Object.values(runs)[0]!;
const withFace = main.results.filter((r) => r.descriptor);
const genuine: number[] = [];
const impostor: number[] = [];
for (let i = 0; i < withFace.length; i++) {
  for (let j = i + 1; j < withFace.length; j++) {
    const d = descriptorDistance(withFace[i]!.descriptor!, withFace[j]!.descriptor!);
    (withFace[i]!.person === withFace[j]!.person ? genuine : impostor).push(d);
  }
}
const rates = (t: number) => ({
  threshold: Number(t.toFixed(2)),
  fmr: impostor.filter((d) => d <= t).length / Math.max(1, impostor.length),
  fnmr: genuine.filter((d) => d > t).length / Math.max(1, genuine.length),
});
const roc = Array.from({ length: 11 }, (_, i) => rates(0.3 + i * 0.05));
const at = rates(threshold);

console.log(
  `images: ${images.length} in ${new Set(images.map((i) => i.person)).size} folders, framed ${pad}x; face found in ${withFace.length} (wasm, input 320)`,
);
for (const [name, run] of Object.entries(runs)) {
  const found = run.results.filter((r) => r.found > 0).length;
  const stage = (k: string) => median(run.results.map((r) => r.ms[k] ?? NaN)).toFixed(0);
  console.log(
    `${name.padEnd(9)} backend=${run.backend.padEnd(5)} found ${found}/${run.results.length}  load ${run.loadMs.toFixed(0)} ms  ` +
      `median ms: detect ${stage('detect')}, landmarks ${stage('landmarks')}, descriptor ${stage('descriptor')}, all ${stage('total')}; ` +
      `tracking (detect+landmarks, warm) ${median(run.tracking).toFixed(0)} ms = ${(1000 / median(run.tracking)).toFixed(1)} fps`,
  );
}
console.log(
  `model load (wasm, tiny detector + landmarks + recognition): cold ${loadCold.toFixed(0)} ms, cached ${loadCached.toFixed(0)} ms`,
);
console.log(
  `pairs: ${genuine.length} genuine, ${impostor.length} impostor; genuine distance median ${median(genuine).toFixed(3)} (max ${Math.max(...genuine).toFixed(3)}), impostor median ${median(impostor).toFixed(3)} (min ${Math.min(...impostor).toFixed(3)})`,
);
console.log('ROC (threshold: FMR / FNMR):');
for (const r of roc) console.log(`  ${r.threshold.toFixed(2)}: ${(r.fmr * 100).toFixed(1)}% / ${(r.fnmr * 100).toFixed(1)}%`);
console.log(
  `at the default threshold ${threshold} (${FACE_MATCH_THRESHOLD.model}): FMR ${(at.fmr * 100).toFixed(1)}%, FNMR ${(at.fnmr * 100).toFixed(1)}%`,
);

mkdirSync(outDir, { recursive: true });
const plot = join(outDir, 'face-distances.svg');
writeFileSync(plot, histogramSvg(genuine, impostor, threshold));
console.log(`plot: ${plot}`);

const frameMs: Record<string, Record<string, number>> = {};
for (const [name, run] of Object.entries(runs)) {
  frameMs[name] = {
    detect: Math.round(median(run.results.map((r) => r.ms.detect ?? NaN))),
    landmarks: Math.round(median(run.results.map((r) => r.ms.landmarks ?? NaN))),
    descriptor: Math.round(median(run.results.map((r) => r.ms.descriptor ?? NaN))),
    tracking: Math.round(median(run.tracking)),
  };
}
console.log(
  JSON.stringify({
    threshold,
    fmr: Number(at.fmr.toFixed(4)),
    fnmr: Number(at.fnmr.toFixed(4)),
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    frameMs,
    loadMs: { cold: Math.round(loadCold), cached: Math.round(loadCached) },
    facesFound: withFace.length,
    pad,
    images: images.length,
  }),
);

function histogramSvg(gen: number[], imp: number[], t: number): string {
  const bins = 30;
  const lo = 0;
  const hi = 1.2;
  const count = (xs: number[]) => {
    const h = new Array(bins).fill(0) as number[];
    for (const x of xs) h[Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)))]!++;
    return h.map((c) => c / Math.max(1, xs.length));
  };
  const g = count(gen);
  const i = count(imp);
  const max = Math.max(...g, ...i, 0.01);
  const W = 640;
  const H = 320;
  const bw = (W - 60) / bins;
  const bar = (h: number[], color: string) =>
    h
      .map(
        (v, k) =>
          `<rect x="${40 + k * bw}" y="${H - 40 - (v / max) * (H - 80)}" width="${bw - 1}" height="${(v / max) * (H - 80)}" fill="${color}" fill-opacity="0.6"/>`,
      )
      .join('');
  const tx = 40 + ((t - lo) / (hi - lo)) * (W - 60);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="40" y="20">Descriptor distance: genuine (green, ${gen.length}) vs impostor (red, ${imp.length}) pairs</text>
${bar(g, '#0f8a5f')}${bar(i, '#c2303f')}
<line x1="${tx}" x2="${tx}" y1="30" y2="${H - 40}" stroke="#333" stroke-dasharray="4 3"/><text x="${tx + 4}" y="44">threshold ${t}</text>
<line x1="40" x2="${W - 20}" y1="${H - 40}" y2="${H - 40}" stroke="#333"/>
${[0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2].map((v) => `<text x="${40 + ((v - lo) / (hi - lo)) * (W - 60) - 8}" y="${H - 24}">${v.toFixed(1)}</text>`).join('')}
</svg>`;
}
