import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const E2E_API_KEY = 'tfk_e2e-service-key-0123456789abcdef';

/**
 * Starts the demo's own backend (demo/server.ts, as `pnpm demo` runs it: the Twofold API, the
 * bank's routes and the built demo) on a free port with a fresh embedded database and the test
 * clock. Resolves with its `http://localhost:PORT` URL and a `stop()` that also deletes the data.
 */
export async function startDemoServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(join(ROOT, 'demo/dist/index.html'))) throw new Error('Build the demo first: pnpm build:demo');
  const dataDir = await mkdtemp(join(tmpdir(), 'twofold-e2e-'));
  const child = spawn(process.execPath, ['--conditions=@twofold/source', '--import', 'tsx', 'demo/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', TWOFOLD_DATA_DIR: dataDir, TWOFOLD_API_KEY: E2E_API_KEY, TWOFOLD_UNSAFE_TEST_CLOCK: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
    setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000).unref();
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
