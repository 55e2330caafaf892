#!/usr/bin/env node
/**
 * The consumer test: Twofold as a web team gets it. Packs the four packages (scripts/pack.mjs),
 * copies `consumer/app` (a bank's Express + Vite app) to a temporary directory outside the
 * workspace, installs the tarballs there with pnpm, type-checks the app strictly (`nodenext` for
 * the server and tests, `bundler` for the page, no `skipLibCheck`), builds it, and runs its
 * Playwright test against PostgreSQL, in a new database that already has the bank's own
 * `public.users` table. Prints each phase's time and a JSON last line.
 *
 *   node consumer/run.mjs [--keep]      # --keep leaves the temporary app and database for a look
 *
 * Needs: pnpm, Chromium (/usr/bin/chromium or CHROMIUM_PATH), PostgreSQL (DATABASE_URL's server,
 * default postgres://postgres@127.0.0.1:5432/test; a database `twofold_consumer_<time>` is made
 * and dropped). The npm registry must be reachable for the app's own dependencies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll, PACKAGES } from '../scripts/pack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const keep = process.argv.includes('--keep');
const adminUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const database = `twofold_consumer_${Date.now().toString(36)}`;
const appUrl = new URL(adminUrl);
appUrl.pathname = `/${database}`;

const times = {};
const started = Date.now();
function phase(name, run) {
  const t = Date.now();
  console.log(`::: ${name}`);
  const result = run();
  times[name] = Math.round((Date.now() - t) / 100) / 10;
  console.log(`::: ${name}: ${times[name]} s`);
  return result;
}
function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}
const psql = (url, sql) => execFileSync('psql', [url.href, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });

// Like the PostgreSQL half of the unit tests: skipped loudly without a server, never under CI=true.
if (spawnSync('pg_isready', ['-d', adminUrl.href]).status !== 0) {
  const message = `consumer test: no PostgreSQL at ${adminUrl.host} (set DATABASE_URL)`;
  if (process.env.CI === 'true') {
    console.error(`${message}: failing, since CI=true`);
    process.exit(1);
  }
  console.warn(`\n!!! ${message}: SKIPPED\n`);
  console.log(JSON.stringify({ consumer: 'skipped' }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'twofold-consumer-'));
let ok = false;
let modulesMb = 0;
try {
  const tarballs = phase('pack', () => packAll(join(dir, 'tarballs')));

  phase('install', () => {
    cpSync(join(here, 'app'), join(dir, 'app'), { recursive: true });
    const file = join(dir, 'app', 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const spec = Object.fromEntries(PACKAGES.map((name) => [`@twofold/${name}`, `file:${tarballs[name]}`]));
    for (const deps of [manifest.dependencies, manifest.devDependencies])
      for (const name of Object.keys(deps)) if (spec[name]) deps[name] = spec[name];
    // @twofold/server and client depend on @twofold/protocol by version (not on the registry): point it at
    // its tarball. Only it: an override would also rewrite @twofold/testing's peer range for the server.
    manifest.pnpm = { overrides: { '@twofold/protocol': spec['@twofold/protocol'] } };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    // Outside any workspace: pnpm must not walk up into this repository's settings.
    sh('pnpm', ['install', '--no-frozen-lockfile', '--config.confirmModulesPurge=false'], { cwd: join(dir, 'app') });
  });

  // What a passkey-only app installs: no face or ML stack.
  const heavy = ['@tensorflow', '@vladmandic', '@mediapipe', 'sharp'].filter(
    (name) => spawnSync('test', ['-e', join(dir, 'app', 'node_modules', '.pnpm', 'node_modules', name)]).status === 0,
  );
  modulesMb = Number(execFileSync('du', ['-sm', join(dir, 'app', 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
  console.log(
    `::: node_modules (with the app's dev tools: Playwright, TypeScript, Vite): ${modulesMb} MB${heavy.length ? `, face stack present: ${heavy.join(', ')}` : ', no face stack'}`,
  );
  if (heavy.length) throw new Error(`a passkey-only install pulled ${heavy.join(', ')}`);

  // The embedded store's driver is not installed either: asking for it says what to install.
  const pglite = spawnSync(
    'node',
    [
      '-e',
      "import('@twofold/server/pglite').then((m) => m.createPGliteStore()).then(() => process.exit(3), (e) => { console.log(e.message); })",
    ],
    {
      cwd: join(dir, 'app'),
      encoding: 'utf8',
    },
  );
  if (!/npm install @electric-sql\/pglite/.test(pglite.stdout))
    throw new Error(`createPGliteStore without @electric-sql/pglite: expected the install line, got: ${pglite.stdout}${pglite.stderr}`);
  console.log('::: createPGliteStore without its driver names the install line');

  phase('typecheck', () => sh('pnpm', ['run', 'typecheck'], { cwd: join(dir, 'app') }));
  phase('build', () => sh('pnpm', ['run', 'build'], { cwd: join(dir, 'app') }));

  phase('database', () => {
    psql(adminUrl, `CREATE DATABASE ${database}`);
    // The bank's own table, named like one of Twofold's.
    psql(
      appUrl,
      "CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL); INSERT INTO public.users (email) VALUES ('founder@acme.test')",
    );
  });

  phase('playwright', () =>
    sh('pnpm', ['exec', 'playwright', 'test'], {
      cwd: join(dir, 'app'),
      env: {
        ...process.env,
        // The workspace's source condition must not leak into the consumer.
        NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').replace(/--conditions[= ]@twofold\/source/g, '').trim(),
        DATABASE_URL: appUrl.href,
        TWOFOLD_SECRET_KEYS: execFileSync('node', ['-e', "import('@twofold/server').then((m) => console.log(m.generateSealingKey()))"], {
          cwd: join(dir, 'app'),
          encoding: 'utf8',
        }).trim(),
        SERVICE_API_KEY: randomBytes(24).toString('base64url'),
        PORT: String(31000 + Math.floor(Math.random() * 1000)),
      },
    }),
  );
  ok = true;
} catch (error) {
  console.error(`consumer test failed: ${error instanceof Error ? error.message : error}`);
} finally {
  if (keep) console.log(`::: kept ${dir} and database ${database}`);
  else {
    try {
      psql(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  }
}
const total = Math.round((Date.now() - started) / 100) / 10;
console.log(JSON.stringify({ consumer: ok ? 'passed' : 'failed', seconds: total, phases: times, nodeModulesMb: modulesMb }));
process.exit(ok ? 0 : 1);
