import { PGlite } from '@electric-sql/pglite';
import { createSoftAuthenticator } from '@twofold/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllCli, runCli } from '../helpers/cli.js';
import { CLUSTER_ORIGIN } from '../helpers/cluster.js';
import { checkStoredInvariants } from '../helpers/invariants.js';

type Authenticator = ReturnType<typeof createSoftAuthenticator>;
const counterOf = (assertion: { response: { authenticatorData: string } }) =>
  Buffer.from(assertion.response.authenticatorData, 'base64url').readUInt32BE(33);

/**
 * The embedded server (`twofold serve` on TWOFOLD_DATA_DIR, PGlite) killed with SIGKILL while it
 * writes, then started again on the same directory: it opens, every acknowledged sign-up and
 * sign-in is there (the passkeys still sign in), and nothing is half-written.
 */
describe('kill -9 the embedded (PGlite) server mid-write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-kill-'));
  afterAll(() => {
    killAllCli();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts on the same data directory with every acknowledged write intact', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', TWOFOLD_DATA_DIR: dir, TWOFOLD_ORIGINS: CLUSTER_ORIGIN, TWOFOLD_OPEN_REGISTRATION: 'true' };
    const first = runCli(['serve'], env);
    const base = (await first.ready).replace('//localhost:', '//127.0.0.1:');
    const post = async (url: string, path: string, body: unknown) => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    };

    const acked: {
      username: string;
      userId: string;
      deviceId: string;
      credentialId: string;
      authenticator: Authenticator;
      counter: number;
    }[] = [];
    let stop = false;
    let errors = 0;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const authenticator = createSoftAuthenticator({ origin: CLUSTER_ORIGIN });
          const username = `crash${w}x${i}`;
          const opts = await post(base, '/passkeys/register/options', { username });
          const response = await authenticator.createCredential(opts.json.options);
          const done = await post(base, '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response });
          if (done.status !== 200) throw new Error(`sign-up answered ${done.status}`);
          const user = {
            username,
            userId: done.json.userId,
            deviceId: done.json.deviceId,
            credentialId: response.id,
            authenticator,
            counter: 0,
          };
          acked.push(user);
          const a = await post(base, '/passkeys/authenticate/options', { username });
          const assertion = await authenticator.getAssertion(a.json.options);
          const signedIn = await post(base, '/passkeys/authenticate/verify', { ceremonyId: a.json.ceremonyId, response: assertion });
          if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}`);
          user.counter = counterOf(assertion);
        } catch {
          errors++; // the kill: no answer
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // Kill once a good number of writes are acknowledged, with more in flight.
    const deadline = Date.now() + 30_000;
    while (acked.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await Promise.all(writers);
    expect(acked.length).toBeGreaterThanOrEqual(8);
    expect(errors).toBeGreaterThan(0); // requests were in flight when it died

    // Restarted on the same directory (the stale pid file is taken over): it opens and serves.
    const second = runCli(['serve'], env);
    const again = (await second.ready).replace('//localhost:', '//127.0.0.1:');
    for (const user of acked) {
      const a = await post(again, '/passkeys/authenticate/options', { username: user.username });
      expect(a.status, user.username).toBe(200);
      const assertion = await user.authenticator.getAssertion(a.json.options);
      const signedIn = await post(again, '/passkeys/authenticate/verify', { ceremonyId: a.json.ceremonyId, response: assertion });
      expect(signedIn.status, user.username).toBe(200);
      expect(signedIn.json).toMatchObject({ userId: user.userId, deviceId: user.deviceId });
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Offline, the database itself: nothing half-written, every acknowledged counter kept.
    const db = await PGlite.create(dir);
    try {
      for (const r of await checkStoredInvariants((sql) => db.query(sql))) expect(r, r.name).toMatchObject({ bad: 0 });
      const { rows } = await db.query<{ credential_id: string; device_id: string; counter: number }>(
        'SELECT credential_id, device_id, counter FROM passkeys',
      );
      const stored = new Map(rows.map((r) => [r.credential_id, r]));
      for (const user of acked) {
        expect(stored.get(user.credentialId)?.device_id).toBe(user.deviceId);
        expect(Number(stored.get(user.credentialId)!.counter)).toBeGreaterThanOrEqual(user.counter + 1); // the acknowledged sign-in, then the one after restart
      }
    } finally {
      await db.close();
    }
  }, 120_000);
});
