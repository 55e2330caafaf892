#!/usr/bin/env node
/**
 * Do the published types check in a user's project? A fresh app outside the workspace installs
 * the packed tarballs with npm, imports every entry point of every package, and runs
 * `tsc --noEmit` under `strict` WITHOUT `skipLibCheck`, once with `module`/`moduleResolution`
 * `nodenext` and once with `module: esnext` + `moduleResolution: bundler`.
 *
 *   node scripts/check-consumer-types.mjs [--tarballs <dir>] [--keep]
 *
 * Two apps: "full" (the four packages, every optional peer: the face stack, PGlite, vite,
 * vitest, Playwright) imports every export of the four; "passkey-only" (protocol, server, client, no
 * optional peer) imports every export but those that need one: the face ones, the Vite plugin
 * and the embedded store (PGlite). Exits 1 if any check fails, printing tsc's errors.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allOptionalPeers, createApp, npmInstall, specs } from './consumer.mjs';
import { packAll, PACKAGES, ROOT } from './pack.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const given = args.includes('--tarballs') ? args[args.indexOf('--tarballs') + 1] : undefined;
const packDir = given ?? join(tmpdir(), `twofold-pack-${process.pid}`);
const tarballs = given
  ? Object.fromEntries(
      PACKAGES.map((p) => [
        p,
        join(
          given,
          readdirSync(given).find((f) => f.startsWith(`twofold-${p}-`) && f.endsWith('.tgz')),
        ),
      ]),
    )
  : packAll(packDir);

const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const tools = {
  typescript: rootManifest.devDependencies.typescript,
  '@types/node': rootManifest.devDependencies['@types/node'],
};
const SETTINGS = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

/** Every `@twofold/*` specifier the installed packages export, minus those `skip` refuses. */
function entryPoints(dir, packages, skip = () => false) {
  const out = [];
  for (const p of packages) {
    const m = JSON.parse(readFileSync(join(dir, 'node_modules', '@twofold', p, 'package.json'), 'utf8'));
    for (const key of Object.keys(m.exports)) {
      const spec = key === '.' ? m.name : `${m.name}/${key.slice(2)}`;
      if (Object.values(m.exports[key]).some((v) => typeof v === 'string' && v.endsWith('.ts') && !v.endsWith('.d.ts')))
        throw new Error(`${spec} exports TypeScript source`);
      if (!skip(spec)) out.push(spec);
    }
  }
  return out;
}

function check(dir, specifiers) {
  // Namespace imports, each used, so every declaration file behind them is loaded and checked.
  writeFileSync(
    join(dir, 'index.ts'),
    `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\nexport const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  const results = {};
  for (const [name, resolution] of Object.entries(SETTINGS)) {
    const tsconfig = {
      compilerOptions: {
        target: 'es2022',
        lib: ['es2023', 'dom', 'dom.iterable'],
        ...resolution,
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['index.ts'],
    };
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify(tsconfig, null, 2));
    try {
      execFileSync(join(dir, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${name}.json`], { cwd: dir, encoding: 'utf8' });
      results[name] = { ok: true };
    } catch (error) {
      results[name] = { ok: false, errors: String(error.stdout || error.message).trim() };
    }
  }
  return results;
}

const apps = [];
const report = [];
try {
  const full = createApp('consumer-types-full');
  apps.push(full);
  console.error(`full app: ${full}`);
  npmInstall(full, [...PACKAGES.map((p) => tarballs[p]), ...specs(allOptionalPeers()), ...specs(tools)]);
  const fullEntries = entryPoints(full, PACKAGES);
  report.push({ app: 'full (4 packages, every optional peer)', entries: fullEntries, results: check(full, fullEntries) });

  const light = createApp('consumer-types-passkeys');
  apps.push(light);
  console.error(`passkey-only app: ${light}`);
  npmInstall(light, [tarballs.protocol, tarballs.server, tarballs.client, ...specs(tools)]);
  const lightEntries = entryPoints(light, ['protocol', 'server', 'client'], (s) => /\/(face|vite|pglite)$/.test(s));
  report.push({
    app: 'passkey-only (protocol, server, client; no optional peer)',
    entries: lightEntries,
    results: check(light, lightEntries),
  });
} finally {
  if (!keep) for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  if (!given && !keep) rmSync(packDir, { recursive: true, force: true });
}

console.log('| app | entry points | strict + nodenext | strict + bundler |');
console.log('| --- | --- | --- | --- |');
for (const r of report)
  console.log(
    `| ${r.app} | ${r.entries.join(', ')} | ${r.results.nodenext.ok ? 'pass' : 'FAIL'} | ${r.results.bundler.ok ? 'pass' : 'FAIL'} |`,
  );
let failed = false;
for (const r of report) {
  for (const [name, res] of Object.entries(r.results)) {
    if (res.ok) continue;
    failed = true;
    console.log(`\n${r.app}, ${name}:\n${res.errors}`);
  }
}
process.exit(failed ? 1 : 0);
