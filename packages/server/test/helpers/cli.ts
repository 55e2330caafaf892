import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'packages/server/src/cli/main.ts';

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves with the URL once the server says it listens; rejects if it exits first. */
  ready: Promise<string>;
}

const running = new Set<ChildProcess>();

/** Kills servers a failed test left running. Call it in `afterAll`. */
export function killAllCli(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Runs `twofold <args>` exactly as `pnpm twofold` does, from the repository root. */
export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@twofold/source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  // Keep the tail only: a server under load logs a line per event for as long as it runs.
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`twofold exited with ${code} before listening:\n${out}`)));
  });
  ready.catch(() => {});
  return { child, output: () => out, exited, ready };
}
