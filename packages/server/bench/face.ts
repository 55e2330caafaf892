/**
 * `pnpm bench:face [--faces DIR] [--eval NAME=DIR[:PAD]]... [--select NAME] [--candidates SPEC,...]`
 * — accuracy and cost of the SERVER face pipeline (the one that decides: `@twofold/server/face`,
 * tfjs WASM in Node). See BENCHMARKS.md ("pnpm bench:face") for the sets and the figures.
 *
 * Accuracy: each set is a folder of one folder of images per person. `--faces DIR` holds tight
 * face crops, framed the way the client sends a frame — centred on a grey background `--pad` (2.4)
 * times their size (the client crops 2.4 face widths around the face); `--eval NAME=DIR:PAD` sets
 * their own pad (1 for images already framed, e.g. by `face-eval-set.ts`). Every frame is scaled
 * to `--side` (512) px, JPEG `--quality` (90), and measured by each candidate pipeline
 * (`--candidates`, default `default` = the shipped configuration; `finder/crop/embedder[+flip]
 * [+norefine][@minConfidence]`, e.g. `ssd/box/faceapi` = v2). Per set: single frames (every pair),
 * two-frame templates (mean, as enrolment makes them) against single frames and against two-frame
 * probes, and best-of-two; FMR/FNMR at the threshold, the margin (closest impostor − farthest
 * genuine), an ROC excerpt; the threshold is the shipped one for the shipped model (v2's 0.6 for
 * v2) and for the others the one chosen on the `--select` set. Each candidate is also run on the
 * rendered liveness poses (`face-poses.ts`; `--poses false` skips it).
 *
 * Cost (`--speed`, default on): face checks of 4 frames each (the neutral frame and three actions
 * of a rendered test person, cut as the client cuts them) through the worker pool — one check
 * alone (latency from the last frame to the decision, minus upload) and `--concurrency` at once
 * (checks/s on this machine) — with the CPU time per check. Without sets, only this runs.
 *
 * The last line is one JSON object: the first candidate on the first set (fmr, fnmr, margin,
 * template, ...), per-set and per-candidate figures, and the cost (`cpuPerCheckMs`,
 * `checksPerSecond`, `checkUnderLoadMedianMs`).
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { FACE_MATCH_THRESHOLD, descriptorDistance, meanDescriptor } from '@twofold/protocol';
import { createFaceAnalyzer } from '../src/adapters/face/index.js';
import { benchArgs } from './args.js';
import { checkFrames, poseCheck, type PoseReport } from './face-poses.js';
import {
  FACE_PIPELINE_MODEL,
  FACE_PIPELINE_V2,
  createFacePipeline,
  facePipelineModel,
  type FaceAlignName,
  type FaceDetectorName,
  type FaceEmbedderName,
  type FacePipelineOptions,
} from '../src/adapters/face/pipeline.js';

const values = benchArgs({
  strings: [
    'faces',
    'select',
    'candidates',
    'pad',
    'side',
    'quality',
    'detector',
    'tiny-size',
    'min-confidence',
    'threshold',
    'speed',
    'poses',
    'show-pairs',
    'concurrency',
  ],
  lists: ['eval'],
});
const pad = Number(values.pad ?? 2.4);
const side = Number(values.side ?? 512);
const quality = Number(values.quality ?? 90);
const shippedThreshold = values.threshold ? Number(values.threshold) : FACE_MATCH_THRESHOLD.value;

/** A labelled set: `--faces DIR` (tight crops, framed with `--pad`) and each `--eval NAME=DIR[:PAD]`. */
interface EvalSet {
  name: string;
  dir: string;
  pad: number;
  images: { person: string; path: string }[];
}
const sets: EvalSet[] = [];
const addSet = (name: string, dir: string, setPad: number) => {
  const root = resolve(process.cwd(), dir);
  const images = readdirSync(root)
    .filter((p) => statSync(join(root, p)).isDirectory())
    .sort()
    .flatMap((person) =>
      readdirSync(join(root, person))
        .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
        .sort()
        .map((file) => ({ person, path: join(root, person, file) })),
    );
  if (images.length < 2) throw new Error(`no images under ${root}`);
  sets.push({ name, dir: root, pad: setPad, images });
};
if (values.faces) addSet('faces', values.faces, pad);
for (const spec of values.eval ?? []) {
  const m = /^(?:([\w-]+)=)?(.+?)(?::([\d.]+))?$/.exec(spec);
  if (!m) throw new Error(`--eval NAME=DIR[:PAD], not ${spec}`);
  addSet(m[1] ?? `set${sets.length + 1}`, m[2]!, m[3] ? Number(m[3]) : pad);
}
if (sets.length === 0 && values.speed === 'false') {
  console.error(
    'usage: pnpm bench:face [--faces DIR] [--eval NAME=DIR[:PAD]]... [--select NAME] [--candidates SPEC,...] [--side 512] [--pad 2.4] [--quality 90] [--threshold T] [--speed true|false]',
  );
  process.exit(2);
}

/**
 * A candidate pipeline: `detector/align/embedder` (`blazeface/similarity/faceapi` is the shipped one, `ssd/box/faceapi` v2),
 * optionally `@minConfidence`. `default` is the shipped configuration (with the legacy
 * `--detector`/`--tiny-size`/`--min-confidence` options applied).
 */
function parseCandidate(spec: string): FacePipelineOptions {
  if (spec === 'default') {
    return {
      ...(values.detector && { detector: values.detector as FaceDetectorName }),
      ...(values['tiny-size'] && { tinyInputSize: Number(values['tiny-size']) }),
      ...(values['min-confidence'] && { minConfidence: Number(values['min-confidence']) }),
    };
  }
  const [path0, conf] = spec.split('@');
  const [path, ...flags] = path0!.split('+');
  const flip = flags.includes('flip');
  const refine = !flags.includes('norefine');
  const [detector, align, embedderSpec] = path!.split('/');
  const [embedder, embedderInput] = (embedderSpec ?? 'faceapi').split('~');
  const [name, size] = (detector ?? 'ssd').split('-');
  return {
    detector: name as FaceDetectorName,
    ...(size && { tinyInputSize: Number(size) }),
    align: (align ?? 'box') as FaceAlignName,
    embedder: embedder as FaceEmbedderName,
    ...(embedderInput && { embedderInput: embedderInput as FacePipelineOptions['embedderInput'] }),
    ...(conf && { minConfidence: Number(conf) }),
    ...(flip && { flip }),
    ...(!refine && { refine }),
    ...(process.env.TWOFOLD_HUMAN_MODELS && { humanModelDir: process.env.TWOFOLD_HUMAN_MODELS }),
  };
}
const candidates = (values.candidates ?? 'default').split(',').map((spec) => ({ spec, options: parseCandidate(spec) }));

/** The image as the client would send it: centred on grey, `pad` times its size, `side` px, JPEG. */
async function asFrame(path: string, framePad: number): Promise<Buffer> {
  const meta = await sharp(path).metadata();
  const size = Math.round(Math.max(meta.width!, meta.height!) * framePad);
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
const frames = new Map<EvalSet, Buffer[]>();
for (const set of sets) frames.set(set, await Promise.all(set.images.map((i) => asFrame(i.path, set.pad))));

type Measured = { person: string; file?: string; descriptor: number[] | null };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const round = (x: number, d = 4) => Number(x.toFixed(d));

/** Genuine and impostor distances of one comparison rule. */
type Scores = { genuine: number[]; impostor: number[] };
const rates = (s: Scores, t: number) => ({
  fmr: s.impostor.filter((d) => d <= t).length / Math.max(1, s.impostor.length),
  fnmr: s.genuine.filter((d) => !(d <= t)).length / Math.max(1, s.genuine.length),
  margin: Math.min(...s.impostor) - Math.max(...s.genuine),
});

/**
 * The comparison rules, on the frames where exactly one face was found:
 * - `single`: every pair of frames;
 * - `mean2v1`: a template of two frames of a person (their mean, as enrolment makes it) against
 *   every other frame;
 * - `mean2v2`: a two-frame template against a two-frame probe of other frames (verification
 *   averages the frontal frames of a check too);
 * - `best2v2`: the same pairs of frame pairs, scored by the closest of their four frame pairs.
 */
function score(found: Measured[]): Record<'single' | 'mean2v1' | 'mean2v2' | 'best2v2', Scores> {
  const out = {
    single: { genuine: [], impostor: [] },
    mean2v1: { genuine: [], impostor: [] },
    mean2v2: { genuine: [], impostor: [] },
    best2v2: { genuine: [], impostor: [] },
  } as Record<'single' | 'mean2v1' | 'mean2v2' | 'best2v2', Scores>;
  const n = found.length;
  const dist: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = descriptorDistance(found[i]!.descriptor!, found[j]!.descriptor!);
      dist[i]![j] = dist[j]![i] = d;
      (found[i]!.person === found[j]!.person ? out.single.genuine : out.single.impostor).push(d);
    }
  }
  const pairs: { person: string; a: number; b: number; mean: number[] }[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (found[a]!.person !== found[b]!.person) continue;
      pairs.push({ person: found[a]!.person, a, b, mean: meanDescriptor([found[a]!.descriptor!, found[b]!.descriptor!]) });
    }
  }
  for (const p of pairs) {
    for (let k = 0; k < n; k++) {
      if (k === p.a || k === p.b) continue;
      (found[k]!.person === p.person ? out.mean2v1.genuine : out.mean2v1.impostor).push(descriptorDistance(p.mean, found[k]!.descriptor!));
    }
  }
  for (let i = 0; i < pairs.length; i++) {
    for (let j = i + 1; j < pairs.length; j++) {
      const p = pairs[i]!;
      const q = pairs[j]!;
      const same = p.person === q.person;
      if (same && (p.a === q.a || p.a === q.b || p.b === q.a || p.b === q.b)) continue;
      (same ? out.mean2v2.genuine : out.mean2v2.impostor).push(descriptorDistance(p.mean, q.mean));
      (same ? out.best2v2.genuine : out.best2v2.impostor).push(
        Math.min(dist[p.a]![q.a]!, dist[p.a]![q.b]!, dist[p.b]![q.a]!, dist[p.b]![q.b]!),
      );
    }
  }
  return out;
}

/**
 * The threshold a set supports: midway between its farthest genuine and closest impostor pair of
 * single frames when they separate, else just under the closest impostor (FMR 0 first).
 */
function chooseThreshold(s: Scores): number {
  const g = Math.max(...s.genuine);
  const i = Math.min(...s.impostor);
  return round(g < i ? (g + i) / 2 : i - 0.005, 3);
}

type SetResult = {
  set: string;
  images: number;
  people: number;
  found: number;
  scores: ReturnType<typeof score>;
  missedGenuine: number;
};
/** FNMR counting genuine pairs lost to a frame without exactly one face as failures too. */
function fnmrWithFta(r: SetResult, t: number): number {
  const single = r.scores.single.genuine;
  return (single.filter((d) => !(d <= t)).length + r.missedGenuine) / Math.max(1, single.length + r.missedGenuine);
}
const results: {
  spec: string;
  model: string;
  msPerFrame: number;
  threshold: number;
  chosen?: number;
  perSet: SetResult[];
  poses?: PoseReport;
}[] = [];
for (const { spec, options } of candidates) {
  const pipeline = await createFacePipeline(options);
  await pipeline.warmUp();
  const times: number[] = [];
  const perSet: SetResult[] = [];
  for (const set of sets) {
    const measured: Measured[] = [];
    for (const [k, frame] of frames.get(set)!.entries()) {
      const t = performance.now();
      const analysis = await pipeline.analyzeImage(frame);
      times.push(performance.now() - t);
      const face = analysis.faces.length === 1 ? analysis.faces[0]! : null;
      measured.push({
        person: set.images[k]!.person,
        file: set.images[k]!.path.split('/').pop()!,
        descriptor: face?.descriptor.length ? face.descriptor : null,
      });
    }
    const found = measured.filter((m) => m.descriptor);
    if (values['show-pairs']) {
      // The hardest pairs of the set, to look at: closest impostors and farthest genuines.
      const all: { d: number; same: boolean; a: string; b: string }[] = [];
      for (let i = 0; i < found.length; i++)
        for (let j = i + 1; j < found.length; j++)
          all.push({
            d: descriptorDistance(found[i]!.descriptor!, found[j]!.descriptor!),
            same: found[i]!.person === found[j]!.person,
            a: `${found[i]!.person}/${found[i]!.file}`,
            b: `${found[j]!.person}/${found[j]!.file}`,
          });
      const n = Number(values['show-pairs']);
      const show = (xs: typeof all) =>
        xs
          .slice(0, n)
          .map((x) => `${x.a}~${x.b} ${x.d.toFixed(3)}`)
          .join('; ');
      console.log(`  [${spec} ${set.name}] closest impostors: ${show(all.filter((x) => !x.same).sort((x, y) => x.d - y.d))}`);
      console.log(`  [${spec} ${set.name}] farthest genuines: ${show(all.filter((x) => x.same).sort((x, y) => y.d - x.d))}`);
      console.log(
        `  [${spec} ${set.name}] no single face: ${measured
          .filter((m) => !m.descriptor)
          .map((m) => `${m.person}/${m.file}`)
          .join(', ')}`,
      );
    }
    const genuineAll = measured.reduce((n, a, i) => n + measured.slice(i + 1).filter((b) => b.person === a.person).length, 0);
    const scores = score(found);
    perSet.push({
      set: set.name,
      images: measured.length,
      people: new Set(measured.map((m) => m.person)).size,
      found: found.length,
      scores,
      missedGenuine: genuineAll - scores.single.genuine.length,
    });
  }
  // The threshold: the shipped one for the shipped model (v2's for v2), else the one chosen on the `--select` set.
  const selectSet = perSet.find((r) => r.set === values.select);
  const chosen = selectSet ? chooseThreshold(selectSet.scores.single) : undefined;
  const threshold =
    pipeline.model === FACE_PIPELINE_MODEL
      ? shippedThreshold
      : pipeline.model === FACE_PIPELINE_V2.model
        ? FACE_PIPELINE_V2.threshold
        : (chosen ?? shippedThreshold);
  const poses = values.poses === 'false' ? undefined : await poseCheck(pipeline);
  results.push({
    spec,
    model: pipeline.model,
    msPerFrame: median(times),
    threshold,
    perSet,
    ...(poses && { poses }),
    ...(chosen !== undefined && { chosen }),
  });
  console.log(
    `\n== ${spec} (${pipeline.model}): ${times.length ? `median ${median(times).toFixed(0)} ms per frame (one thread)` : 'no labelled sets'}; threshold ${threshold}${chosen !== undefined ? ` (ROC choice on ${selectSet!.set}: ${chosen})` : ''}`,
  );
  for (const r of perSet) {
    const s = rates(r.scores.single, threshold);
    const withFta = fnmrWithFta(r, threshold);
    console.log(`  ${r.set}: ${r.images} images of ${r.people} people; exactly one face in ${r.found}`);
    console.log(
      `    single frames: ${r.scores.single.genuine.length} genuine / ${r.scores.single.impostor.length} impostor pairs; genuine max ${f3(Math.max(...r.scores.single.genuine))}, impostor min ${f3(Math.min(...r.scores.single.impostor))}; margin ${f3(s.margin)}; FMR ${pct(s.fmr)}, FNMR ${pct(s.fnmr)} (${pct(withFta)} with FTA)`,
    );
    for (const rule of ['mean2v1', 'mean2v2', 'best2v2'] as const) {
      const x = rates(r.scores[rule], threshold);
      console.log(
        `    ${rule}: ${r.scores[rule].genuine.length} / ${r.scores[rule].impostor.length}; margin ${f3(x.margin)}; FMR ${pct(x.fmr)}, FNMR ${pct(x.fnmr)}`,
      );
    }
    const roc = [-0.1, -0.05, 0, 0.05, 0.1].map((dt) => {
      const t = round(threshold + dt, 3);
      const x = rates(r.scores.single, t);
      return `${t}: ${pct(x.fmr)}/${pct(x.fnmr)}`;
    });
    console.log(`    ROC single (t: FMR/FNMR): ${roc.join('  ')}`);
  }
  if (poses) {
    const yaw = Object.entries(poses.yaw)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
    console.log(
      `  rendered poses: one face in ${poses.found}/${poses.frames}, smallest box ${pct(poses.minWidth)} of the frame; poses shown ${poses.posesShown}/${poses.actions}; yaw ${yaw}; ` +
        `action↔neutral max ${f3(poses.genuineMax)}, a↔b neutral min ${f3(poses.impostorMin)}`,
    );
  }
}

let cost: Record<string, number> | undefined;
if (values.speed !== 'false') cost = await speed(Number(values.concurrency ?? 4));

// The last line: the first candidate (the shipped configuration by default) on the first set.
const first = results[0];
const head = first?.perSet[0];
const summary = (r: SetResult, t: number) => {
  const single = rates(r.scores.single, t);
  const template = rates(r.scores.mean2v2, t);
  return {
    fmr: round(single.fmr),
    fnmr: round(single.fnmr),
    fnmrWithFta: round(fnmrWithFta(r, t)),
    failedToAcquire: r.images - r.found,
    margin: round(single.margin),
    genuinePairs: r.scores.single.genuine.length,
    impostorPairs: r.scores.single.impostor.length,
    template: { fmr: round(template.fmr), fnmr: round(template.fnmr), margin: round(template.margin) },
    facesFound: r.found,
    images: r.images,
  };
};
console.log(
  JSON.stringify({
    model: first?.model ?? facePipelineModel(),
    threshold: first?.threshold ?? shippedThreshold,
    ...(first?.chosen !== undefined && { rocThreshold: first.chosen, rocSet: values.select }),
    ...(head && first && summary(head, first.threshold)),
    ...(first && first.perSet.length > 0 && { msPerFrame: Math.round(first.msPerFrame) }),
    sets: Object.fromEntries(first?.perSet.map((r) => [r.set, summary(r, first.threshold)]) ?? []),
    ...(first?.poses && {
      poses: {
        ...first.poses,
        minWidth: round(first.poses.minWidth),
        genuineMax: round(first.poses.genuineMax),
        impostorMin: round(first.poses.impostorMin),
      },
    }),
    candidates: results.slice(1).map((c) => ({
      spec: c.spec,
      model: c.model,
      threshold: c.threshold,
      ...(c.chosen !== undefined && { rocThreshold: c.chosen }),
      msPerFrame: Math.round(c.msPerFrame),
      sets: Object.fromEntries(c.perSet.map((r) => [r.set, summary(r, c.threshold)])),
      ...(c.poses && {
        poses: {
          found: c.poses.found,
          frames: c.poses.frames,
          posesShown: c.poses.posesShown,
          actions: c.poses.actions,
          minWidth: round(c.poses.minWidth),
        },
      }),
    })),
    pad,
    side,
    quality,
    ...(cost && { cost }),
    ...(cost && {
      cpuPerCheckMs: cost.cpuPerCheckMs,
      checksPerSecond: cost.checksPerSecond,
      checkUnderLoadMedianMs: cost.checkUnderLoadMedianMs,
    }),
  }),
);

/** Checks of 4 frames through the worker pool: alone, then `concurrency` at once. */
async function speed(concurrency: number): Promise<Record<string, number>> {
  // The four frames of a check (neutral and three actions) of a rendered test person, cut as the
  // client cuts them: one face per frame, as in a check that can pass.
  const frames = await checkFrames('a');
  const threads = availableParallelism();
  const analyzer = createFaceAnalyzer({ threads, maxWaitMs: 600_000 });
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
