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
 *    checks that `twofold serve` names the store driver to install (pg and PGlite are optional
 *    peers), then adds pg → `du`, then PGlite too → `du`, opens a PGlite store, and starts
 *    `twofold serve` (face checks off, said so);
 * 3. face app: the same plus the face peers the server and the client's engine ask for (the
 *    commands those errors name) → `du`; checks that the analyzer's check passes.
 * Prints a table and a JSON line (BENCHMARKS.md, "Install size"). --keep leaves the apps in /tmp.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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
  return Object.fromEntries(
    PACKAGES.map((p) => {
      const f = files.find((x) => x.startsWith(`twofold-${p}-`) && x.endsWith('.tgz'));
      if (!f) throw new Error(`no twofold-${p}-*.tgz in ${dir}`);
      return [p, join(dir, f)];
    }),
  );
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

/** Runs the `twofold` CLI of the app (`serve` by default) and returns what it printed. */
function cli(dir, env, args = ['serve']) {
  const clean = { ...process.env, PORT: '0', TWOFOLD_DATA_DIR: join(dir, '.twofold'), ...env };
  delete clean.NODE_PATH;
  delete clean.NODE_OPTIONS;
  const run = spawnSync(process.execPath, [join(dir, 'node_modules/@twofold/server/dist/cli/main.js'), ...args], {
    cwd: dir,
    env: clean,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGTERM',
  });
  return `${run.stdout}${run.stderr}`;
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
  if (!/npm install @tensorflow\/tfjs@/.test(lightProbe.face))
    throw new Error(`createFaceAnalyzer() without the face stack should name the install line, got: ${lightProbe.face}`);
  results.passkeys.faceError = lightProbe.face;
  // The store drivers are optional peers too: without them `twofold serve` names what to install.
  results.passkeys.cliErrors = [
    cli(light, {}),
    cli(light, {
      DATABASE_URL: 'postgres://twofold@127.0.0.1:9/twofold',
      TWOFOLD_SECRET_KEYS: cli(light, {}, ['secret-key', 'generate']).trim(),
    }),
  ];
  if (!/npm install @electric-sql\/pglite@/.test(results.passkeys.cliErrors[0]))
    throw new Error(`twofold serve without PGlite should name the install line, got: ${results.passkeys.cliErrors[0]}`);
  if (!/npm install pg@/.test(results.passkeys.cliErrors[1]))
    throw new Error(`twofold serve with DATABASE_URL and without pg should name the install line, got: ${results.passkeys.cliErrors[1]}`);
  // A team picks one store: PostgreSQL (pg), or the embedded PGlite.
  const pg = `pg@${rangeOf('server', 'pg')}`;
  npmInstall(light, [pg]);
  results.pg = { ...measure(light), installed: [pg] };
  const pglite = `@electric-sql/pglite@${rangeOf('server', '@electric-sql/pglite')}`;
  npmInstall(light, [pglite]);
  results.pglite = { ...measure(light), installed: [pg, pglite] };
  runIn(light, `import { createPGliteStore } from '@twofold/server/pglite'; const s = await createPGliteStore(); await s.close();`);
  // `twofold serve` starts without the face stack: face checks off, said so (stopped after 30 s).
  const served = cli(light, {});
  if (!/Face checks: off/.test(served) || !/Database: embedded PGlite/.test(served))
    throw new Error(`twofold serve without the face stack should start with face checks off, got: ${served}`);
  results.passkeys.cliErrors.push(served.split('\n').find((l) => l.startsWith('Face checks')));

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

const row = (label, r) =>
  `| ${label} | ${r.mb.toFixed(1)} MB | ${r.packages
    .slice(0, 6)
    .map((p) => `${p.name} ${(p.kib / 1024).toFixed(1)}`)
    .join(', ')} |`;
console.log('| install | node_modules | largest packages (MB) |');
console.log('| --- | --- | --- |');
console.log(row('passkey-only: protocol + server + client', results.passkeys));
console.log(row(`passkey-only + PostgreSQL: + ${results.pg.installed.join(' ')}`, results.pg));
console.log(row(`passkey-only + both stores: + ${results.pglite.installed.join(' ')}`, results.pglite));
console.log(row(`face: passkey-only (no store driver) + ${results.face.installed.join(' ')}`, results.face));
console.log(`without the face stack, createFaceAnalyzer() says: ${results.passkeys.faceError.split('\n').join(' / ')}`);
for (const line of results.passkeys.cliErrors)
  console.log(`twofold serve in the passkey-only app says: ${line.trim().split('\n').join(' / ')}`);
console.log(
  JSON.stringify({
    passkeysMb: +results.passkeys.mb.toFixed(1),
    passkeysPgMb: +results.pg.mb.toFixed(1),
    passkeysBothStoresMb: +results.pglite.mb.toFixed(1),
    faceMb: +results.face.mb.toFixed(1),
    node: process.version,
  }),
);
