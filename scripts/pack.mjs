#!/usr/bin/env node
/**
 * Builds the four published packages and packs them as a consumer would get them.
 *
 *   node scripts/pack.mjs <out-dir> [--no-build]
 *
 * Runs `pnpm --filter './packages/*' build`, then `pnpm pack --pack-destination <out-dir>` in
 * packages/protocol, server, client and testing (pnpm applies each package's `publishConfig`
 * and turns `workspace:^` into the version), and prints one tarball path a line, in that order.
 * Install them in an app outside the workspace with e.g. `npm install <paths…>`
 * (scripts/measure-install.mjs and scripts/check-consumer-types.mjs do).
 * Also importable: `import { packAll } from './pack.mjs'` → `{ protocol, server, client, testing }`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['protocol', 'server', 'client', 'testing'];

/** Builds (unless `build: false`) and packs the four packages into `outDir`; returns tarball paths by package. */
export function packAll(outDir, { build = true, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const run = (args, cwd) => execFileSync('pnpm', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (build) {
    log("building: pnpm --filter './packages/*' build");
    run(['--filter', './packages/*', 'build'], ROOT);
  }
  const tarballs = {};
  for (const name of PACKAGES) {
    const before = new Set(readdirSync(out));
    run(['pack', '--pack-destination', out], join(ROOT, 'packages', name));
    const made = readdirSync(out).filter((f) => f.endsWith('.tgz') && f.startsWith(`twofold-${name}-`));
    const file = made.find((f) => !before.has(f)) ?? made.sort().at(-1);
    if (!file) throw new Error(`pnpm pack made no tarball for @twofold/${name}`);
    tarballs[name] = join(out, file);
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outDir = args.find((a) => !a.startsWith('--'));
  if (!outDir) {
    console.error('usage: node scripts/pack.mjs <out-dir> [--no-build]');
    process.exit(2);
  }
  const tarballs = packAll(outDir, { build: !args.includes('--no-build') });
  for (const name of PACKAGES) console.log(tarballs[name]);
}
