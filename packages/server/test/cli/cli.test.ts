import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllCli, runCli } from '../helpers/cli.js';

const API_KEY = 'tfk_test-key-for-the-cli-0123456789';
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'twofold-cli-'));
});
afterAll(async () => {
  killAllCli();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `fn` with a new empty directory, removed afterwards whatever happens. */
async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('twofold serve', () => {
  it('serves the API on a fresh data dir, shuts down gracefully, and keeps users across a restart', async () => {
    const env = { PORT: '0', TWOFOLD_DATA_DIR: dataDir, TWOFOLD_API_KEY: API_KEY, TWOFOLD_RELATED_ORIGINS: 'https://bank.example.co.uk' };
    const first = runCli(['serve'], env);
    const url = await first.ready;
    // related origins (WebAuthn L3 §5.11) at the root of the host
    const wellKnown = await fetch(`${url}/.well-known/webauthn`);
    expect(wellKnown.status).toBe(200);
    expect(await wellKnown.json()).toEqual({ origins: ['https://bank.example.co.uk'] });
    const created = await post(url, '/users', { username: 'persisted' });
    expect(created.status).toBe(201);
    const jwks = (await (await fetch(`${url}/api/v1/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys).toHaveLength(1);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Stopped.');

    const second = runCli(['serve'], env);
    const url2 = await second.ready;
    const found = await post(url2, '/users/retrieve', { username: 'persisted' });
    expect(found.status).toBe(200);
    expect(found.json.userId).toBe(created.json.userId);
    // the same signing key survives the restart, so issued tokens stay valid
    const jwks2 = (await (await fetch(`${url2}/api/v1/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks2.keys.map((k) => k.kid)).toEqual(jwks.keys.map((k) => k.kid));
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('refuses a second server on the same embedded data dir, and takes over a stale lock', async () => {
    await withTempDir('twofold-lock-', async (dir) => {
      const first = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dir });
      await first.ready;
      const second = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dir });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/Another Twofold server \(pid \d+\) is using the embedded database/);
      first.child.kill('SIGKILL'); // leaves its pid file behind
      await first.exited;
      const third = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dir });
      await third.ready;
      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);
    });
  }, 60_000);

  it('creates API keys and rotates signing keys from the command line', async () => {
    await withTempDir('twofold-admin-', async (dir) => {
      const env = { TWOFOLD_DATA_DIR: dir, PORT: '0' };
      const bad = runCli(['api-key', 'create', '--name', 'ops', '--scopes', 'users.create,root'], env);
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toContain('unknown: root');

      const create = runCli(['api-key', 'create', '--name', 'ops', '--scopes', 'users.create'], env);
      expect(await create.exited).toBe(0);
      const secret = /^(tfk_\S+)$/m.exec(create.output())?.[1];
      expect(secret).toBeDefined();
      for (let i = 0; i < 2; i++) {
        const rotate = runCli(['signing-key', 'rotate'], env);
        expect(await rotate.exited).toBe(0);
        expect(rotate.output()).toMatch(/New signing key \S+ is active/);
      }

      const server = runCli(['serve'], env);
      const url = await server.ready;
      const res = await fetch(`${url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ username: 'from-cli-key' }),
      });
      expect(res.status).toBe(201);
      const denied = await fetch(`${url}/api/v1/users/retrieve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ username: 'from-cli-key' }),
      });
      expect(denied.status).toBe(403);
      const jwks = (await (await fetch(`${url}/api/v1/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      expect(jwks.keys).toHaveLength(2);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    });
  }, 90_000);

  it('says clearly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cli = runCli(['serve'], { PORT: String(port), TWOFOLD_DATA_DIR: dataDir });
      expect(await cli.exited).toBe(1);
      expect(cli.output()).toContain(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('refuses to start on PostgreSQL without TWOFOLD_SECRET_KEYS unless the insecure development flag is set', async () => {
    const refused = runCli(['serve'], { PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('TWOFOLD_SECRET_KEYS is required with DATABASE_URL');
    // With the flag it goes on (and here fails only at connecting).
    const flagged = runCli(['serve'], {
      PORT: '0',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      TWOFOLD_INSECURE_NO_SECRET_KEYS: 'true',
    });
    expect(await flagged.exited).toBe(1);
    expect(flagged.output()).toMatch(/Cannot use DATABASE_URL/);
  }, 30_000);

  it('creates the embedded data dir 0700 and keeps its key file 0600, tightening a looser one', async () => {
    const { chmodSync, statSync } = await import('node:fs');
    const dir = join(dataDir, 'fresh', 'db');
    const first = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dir });
    await first.ready;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    chmodSync(join(dir, 'secret.key'), 0o644);
    const second = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dir });
    await second.ready;
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(second.output()).toContain('Tightened');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('says clearly when DATABASE_URL cannot be used', async () => {
    const cli = runCli(['serve'], {
      PORT: '0',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      TWOFOLD_INSECURE_NO_SECRET_KEYS: 'true',
    });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toMatch(/Cannot use DATABASE_URL \(127\.0\.0\.1:1\/none\)/);
    const bad = runCli(['serve'], { PORT: '0', DATABASE_URL: 'mysql://x' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('DATABASE_URL must be a postgres://');
  }, 30_000);

  it('keeps a 0600 secret key beside the embedded database; refuses malformed TWOFOLD_SECRET_KEYS', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    const bad = runCli(['serve'], { PORT: '0', TWOFOLD_DATA_DIR: dataDir, TWOFOLD_SECRET_KEYS: 'k1:c2hvcnQ' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('TWOFOLD_SECRET_KEYS: sealing key "k1" must be 32 bytes');
    const gen = runCli(['secret-key', 'generate']);
    expect(await gen.exited).toBe(0);
    expect(gen.output().trim()).toMatch(/^k[a-z0-9]+:[\w-]{43}$/);
  }, 30_000);

  it('refuses a related origin that is not a bare origin', async () => {
    const { readSettings } = await import('../../src/adapters/node/settings.js');
    expect(() => readSettings({ argv: ['serve'], env: { TWOFOLD_RELATED_ORIGINS: 'https://a.example/path' } })).toThrow(
      /TWOFOLD_RELATED_ORIGINS/,
    );
    expect(
      readSettings({ argv: ['serve'], env: { TWOFOLD_RELATED_ORIGINS: 'https://a.example, https://b.example' } }).relatedOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('rejects bad settings with usage', async () => {
    const cli = runCli(['serve', '--port', 'eighty']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('PORT must be a number');
    expect(cli.output()).toContain('Usage: twofold <command>');
  }, 30_000);
});
