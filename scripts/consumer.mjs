/**
 * Shared by scripts/measure-install.mjs and scripts/check-consumer-types.mjs: a throwaway app
 * OUTSIDE the workspace that installs the packed tarballs with npm, as a user's app would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './pack.mjs';

const manifest = (name) => JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'));

/** The optional peers that make up the face stack (the other optional peers are vite, vitest, Playwright). */
export const FACE_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@vladmandic/face-api',
  'sharp',
  '@mediapipe/tasks-vision',
  '@mediapipe/face_detection',
  'flatbuffers',
];

/**
 * The face stack with the versions the packages ask for: what a team adds to use
 * `@twofold/server/face`, `@twofold/client/face` (its Vite plugin, the MediaPipe tracker) and
 * `@twofold/testing/faces`.
 */
export function facePeers() {
  const peers = {};
  for (const name of ['server', 'client', 'testing']) {
    const m = manifest(name);
    for (const dep of FACE_PACKAGES) {
      if (!m.peerDependencies?.[dep]) continue;
      if (!m.peerDependenciesMeta?.[dep]?.optional) throw new Error(`@twofold/${name}: ${dep} should be an optional peer`);
      peers[dep] = m.peerDependencies[dep];
    }
  }
  return peers;
}

/** Every optional peer of the four packages (face stack, PGlite, vite, vitest, Playwright), ranges as asked. */
export function allOptionalPeers() {
  const peers = {};
  for (const name of ['protocol', 'server', 'client', 'testing']) {
    const m = manifest(name);
    for (const [dep, meta] of Object.entries(m.peerDependenciesMeta ?? {}))
      if (meta.optional && !dep.startsWith('@twofold/')) peers[dep] = m.peerDependencies[dep];
  }
  return peers;
}

/** The range `@twofold/<name>` asks for `dep` (a peer or a dependency). */
export function rangeOf(name, dep) {
  const m = manifest(name);
  return m.peerDependencies?.[dep] ?? m.dependencies?.[dep];
}

/** `name@range` specs for npm. */
export const specs = (deps) => Object.entries(deps).map(([n, v]) => `${n}@${v}`);

/** A new empty app (`package.json` only) in a fresh temp folder named `prefix-XXXX`. */
export function createApp(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'twofold-consumer', private: true, type: 'module' }, null, 2));
  return dir;
}

/** `npm install` in `dir` (no audit, no funding notes). */
export function npmInstall(dir, args) {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
