/**
 * `node --conditions=@twofold/source --import tsx packages/server/bench/face-eval-set.ts --from RAW --to OUT`
 * — turns photos (RAW/<person>/<image>) into frames like the client's (OUT/<person>/<image>.jpg):
 * the largest face found by SSD MobileNet v1 on the photo, a square of `--pad` (2.4) face widths
 * around its centre cut from the PHOTO ITSELF (real background; grey only beyond the photo's
 * edges), scaled to `--side` (512) px, JPEG q95. `pnpm bench:face --eval OUT:1` then measures them
 * without further padding. A photo that is already a tight face crop (`--tight`) is instead centred
 * on grey `--pad` times its size, as the bench does for `--faces`.
 *
 * The photos are not part of the repository (see BENCHMARKS.md for their sources and licences).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, parse, resolve } from 'node:path';
import sharp from 'sharp';
import { createFacePipeline } from '../src/adapters/face/pipeline.js';
import { benchArgs } from './args.js';

const values = benchArgs({ strings: ['from', 'to', 'pad', 'side'], booleans: ['tight'] });
if (!values.from || !values.to) {
  console.error('usage: face-eval-set.ts --from RAW --to OUT [--pad 2.4] [--side 512] [--tight]');
  process.exit(2);
}
const from = resolve(values.from);
const to = resolve(values.to);
const pad = Number(values.pad ?? 2.4);
const side = Number(values.side ?? 512);
// SSD (v2's finder), which framed the sets measured in BENCHMARKS.md; any finder would do.
const pipeline = values.tight ? null : await createFacePipeline({ detector: 'ssd', align: 'box', minConfidence: 0.3 });

let written = 0;
for (const person of readdirSync(from)
  .filter((p) => statSync(join(from, p)).isDirectory())
  .sort()) {
  mkdirSync(join(to, person), { recursive: true });
  for (const file of readdirSync(join(from, person))
    .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
    .sort()) {
    const path = join(from, person, file);
    const meta = await sharp(path).rotate().metadata();
    const width = meta.autoOrient?.width ?? meta.width!;
    const height = meta.autoOrient?.height ?? meta.height!;
    let box: { x: number; y: number; width: number; height: number };
    if (!pipeline) {
      box = { x: 0, y: 0, width, height };
    } else {
      // The pipeline takes at most 640 px a side: find the face on a reduced copy.
      const k = Math.min(1, 640 / Math.max(width, height));
      const small = await sharp(path)
        .rotate()
        .resize(Math.round(width * k), Math.round(height * k))
        .jpeg({ quality: 95 })
        .toBuffer();
      const found = (await pipeline.analyzeImage(small)).faces[0];
      if (!found) {
        console.log(`no face: ${person}/${file}`);
        continue;
      }
      box = { x: found.box.x / k, y: found.box.y / k, width: found.box.width / k, height: found.box.height / k };
    }
    const size = Math.round(Math.max(box.width, box.height) * pad);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const left = Math.round(cx - size / 2);
    const top = Math.round(cy - size / 2);
    // Extend the photo with grey on every side by `size`, then cut the square.
    const framed = await sharp(path)
      .rotate()
      .toColourspace('srgb')
      .extend({ left: size, right: size, top: size, bottom: size, background: '#808080' })
      .png()
      .toBuffer();
    const out = await sharp(framed)
      .extract({ left: left + size, top: top + size, width: size, height: size })
      .resize(side, side)
      .jpeg({ quality: 95 })
      .toBuffer();
    writeFileSync(join(to, person, `${parse(file).name}.jpg`), out);
    written++;
  }
}
console.log(`${written} frames written under ${to}`);
