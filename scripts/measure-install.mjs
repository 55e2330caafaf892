#!/usr/bin/env node
/**
 * What a team installs: the size of node_modules in a fresh app outside the workspace that
 * installs the packed tarballs with npm.
 *
 *   node scripts/measure-install.mjs [--tarballs <dir>] [--keep]
 *
 * 1. packs the four packages (scripts/pack.mjs) into a temp folder, unless --tarballs names a
 *    folder that already holds them;
 * 2. passkey-only app: `npm install` protocol + server + client → `du` of node_modules; checks
 *    that no face package came with them and that `createFaceAnalyzer()` from
 *    `@twofold/server/face` throws naming the `npm install` line;
 *    then adds PGlite (the embedded store, an optional peer) → `du` again, and opens one;
 * 3. face app: the same plus the face peers the server and the client's engine ask for (the
 *    commands those errors name) → `du`; checks that the analyzer's check passes.
 * Prints a table and a JSON line (BENCHMARKS.md, "Install size"). --keep leaves the apps in /tmp.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, FACE_PACKAGES, facePeers, npmInstall, rangeOf, specs } from './consumer.mjs';
import { packAll, PACKAGES } from './pack.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const given = args.includes('--tarballs') ? args[args.indexOf('--tarballs') + 1] : undefined;

function tarballsIn(dir) {
  const files = readdirSync(dir);
  return Object.fromEntries(PACKAGES.map((p) => {
    const f = files.find((x) => x.startsWith(`twofold-${p}-`) && x.endsWith('.tgz'));
    if (!f) throw new Error(`no twofold-${p}-*.tgz in ${dir}`);
    return [p, join(dir, f)];
  }));
}

const packDir = given ?? join(tmpdir(), `twofold-pack-${process.pid}`);
const tarballs = given ? tarballsIn(given) : packAll(packDir);

/** node_modules size in bytes (du: blocks on disk, as `du -sh` shows) and the largest packages. */
function measure(dir) {
  const nm = join(dir, 'node_modules');
  const kib = Number(execFileSync('du', ['-sk', nm], { encoding: 'utf8' }).split('\t')[0]);
  const packages = [];
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nm, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      if (!statSync(join(nm, name)).isDirectory()) continue;
      packages.push({ name, kib: Number(execFileSync('du', ['-sk', join(nm, name)], { encoding: 'utf8' }).split('\t')[0]) });
    }
  }
  packages.sort((a, b) => b.kib - a.kib);
  return { mb: kib / 1024, packages };
}

/** Runs an ES module snippet in the app (plain node: no workspace conditions, no NODE_PATH). */
function runIn(dir, code) {
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, env, encoding: 'utf8' });
}

const probe = `
  import { createFaceAnalyzer } from '@twofold/server/face';
  import { createTwofold } from '@twofold/server';
  import { createTwofoldClient } from '@twofold/client';
  let message = 'started';
  try { const a = createFaceAnalyzer({ threads: 1 }); await a.close(); } catch (e) { message = e.message; }
  console.log(JSON.stringify({ root: typeof createTwofold, client: typeof createTwofoldClient, face: message }));
`;

const results = {};
const apps = [];
try {
  // Passkey-only: the three packages an app uses for passkeys, codes, PINs and transactions.
  const light = createApp('consumer-size-passkeys');
  apps.push(light);
  console.error(`passkey-only app: ${light}`);
  npmInstall(light, [tarballs.protocol, tarballs.server, tarballs.client]);
  results.passkeys = measure(light);
  const faceInLight = FACE_PACKAGES.filter((p) => existsSync(join(light, 'node_modules', p)));
  if (faceInLight.length) throw new Error(`passkey-only install pulled face packages: ${faceInLight.join(', ')}`);
  const lightProbe = JSON.parse(runIn(light, probe));
  if (!/npm install @tensorflow\/tfjs@/.test(lightProbe.face)) throw new Error(`createFaceAnalyzer() without the face stack should name the install line, got: ${lightProbe.face}`);
  results.passkeys.faceError = lightProbe.face;
  // The embedded store is an optional peer too: a team that picks it adds PGlite.
  const pglite = `@electric-sql/pglite@${rangeOf('server', '@electric-sql/pglite')}`;
  npmInstall(light, [pglite]);
  results.pglite = { ...measure(light), installed: [pglite] };
  runIn(light, `import { createPGliteStore } from '@twofold/server/pglite'; const s = await createPGliteStore(); await s.close();`);

  // Face: plus the peers the server's analyzer and the client's engine ask for.
  const peers = facePeers();
  const wanted = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@vladmandic/face-api', 'sharp'];
  const face = createApp('consumer-size-face');
  apps.push(face);
  console.error(`face app: ${face}`);
  npmInstall(face, [tarballs.protocol, tarballs.server, tarballs.client, ...specs(Object.fromEntries(wanted.map((p) => [p, peers[p]])))]);
  results.face = measure(face);
  const faceProbe = JSON.parse(runIn(face, probe));
  if (faceProbe.face !== 'started') throw new Error(`createFaceAnalyzer() with the face stack installed failed: ${faceProbe.face}`);
  results.face.installed = specs(Object.fromEntries(wanted.map((p) => [p, peers[p]])));
} finally {
  if (!keep) for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  if (!given && !keep) rmSync(packDir, { recursive: true, force: true });
}

const row = (label, r) => `| ${label} | ${r.mb.toFixed(1)} MB | ${r.packages.slice(0, 6).map((p) => `${p.name} ${(p.kib / 1024).toFixed(1)}`).join(', ')} |`;
console.log('| install | node_modules | largest packages (MB) |');
console.log('| --- | --- | --- |');
console.log(row('passkey-only: protocol + server + client', results.passkeys));
console.log(row(`passkey-only + the embedded store: + ${results.pglite.installed.join(' ')}`, results.pglite));
console.log(row(`face: the same + ${results.face.installed.join(' ')}`, results.face));
console.log(`without the face stack, createFaceAnalyzer() says: ${results.passkeys.faceError.split('\n').join(' / ')}`);
console.log(JSON.stringify({ passkeysMb: +results.passkeys.mb.toFixed(1), passkeysPgliteMb: +results.pglite.mb.toFixed(1), faceMb: +results.face.mb.toFixed(1), node: process.version }));
