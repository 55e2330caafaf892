import http from 'node:http';
import { createSoftAuthenticator } from '@twofold/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllCli } from '../helpers/cli.js';
import { CLUSTER_API_KEY, CLUSTER_ORIGIN, startCluster, type Cluster } from '../helpers/cluster.js';
import { checkStoredInvariants } from '../helpers/invariants.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../helpers/postgres.js';

const hasPostgres = await postgresAvailable();

type Authenticator = ReturnType<typeof createSoftAuthenticator>;
interface Answer {
  server: number;
  status: number; // 0: no answer (connection refused or reset)
  json: any;
  at: number;
}
/** One HTTP exchange through `agent` (so each virtual user has its own client address). */
function request(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; agent: http.Agent },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method, headers: init.headers, agent: init.agent, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(init.body);
  });
}
const counterOf = (assertion: { response: { authenticatorData: string } }) =>
  Buffer.from(assertion.response.authenticatorData, 'base64url').readUInt32BE(33);

/**
 * Two `twofold serve` processes on one PostgreSQL; one is killed with SIGKILL while virtual
 * users sign up, sign in and confirm transactions across both. The other keeps serving, the
 * dead one's clients get connection errors (never a 5xx) and succeed when they retry on the
 * survivor, and the database holds nothing half-written and everything acknowledged.
 */
describe.skipIf(!hasPostgres)('kill -9 one of two servers mid-load', () => {
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.drop();
    killAllCli();
  });

  it('the other keeps serving, clients retry there, nothing is half-written or lost', async () => {
    cluster = await startCluster({ servers: 2, databaseUrl: TEST_DATABASE_URL, schemaPrefix: 'twofold_kill' });
    const { urls } = cluster;
    const dead = new Set<number>();
    const answers: Answer[] = [];
    let killedAt = Infinity;

    // Six virtual users, each taking turns over 16 loopback addresses of its own (127.0.<c+1>.<n>):
    // from one address they would share its ceremony limit (300 a minute), and this loop makes
    // ~1,000 unsigned-in ceremony starts in its 5 s here, more on a faster machine.
    const agents = Array.from({ length: 6 }, (_, c) =>
      Array.from({ length: 16 }, (_, n) => new http.Agent({ keepAlive: false, localAddress: `127.0.${c + 1}.${n + 1}` })),
    );
    let turn = 0;
    async function call(c: number, server: number, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      let answer: Answer;
      try {
        const res = await request(`${urls[server]}/api/v1${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          agent: agents[c]![turn++ % 16]!,
        });
        answer = { server, status: res.status, json: res.text ? JSON.parse(res.text) : null, at: Date.now() };
      } catch {
        answer = { server, status: 0, json: null, at: Date.now() };
        if (Date.now() >= killedAt) dead.add(server); // the client learns the server is gone
      }
      answers.push(answer);
      return answer;
    }
    const alive = (k: number) => {
      const live = [0, 1].filter((s) => !dead.has(s));
      return live[k % live.length]!;
    };

    const ackedUsers: { userId: string; deviceId: string; credentialId: string }[] = [];
    const ackedCounters = new Map<string, number>();
    const ackedApprovals: string[] = [];
    const retriedAfterFailure = new Set<number>();

    /** One flow; false when a step got no answer (the caller retries the whole flow). */
    async function signUp(
      c: number,
      k: number,
    ): Promise<{ authenticator: Authenticator; userId: string; token: string; credentialId: string } | false> {
      const authenticator = createSoftAuthenticator({ origin: CLUSTER_ORIGIN });
      const opts = await call(c, alive(k), 'POST', '/passkeys/register/options', {
        username: `kill${process.pid}${Math.random().toString(36).slice(2)}`,
      });
      if (opts.status !== 200) return false;
      const response = await authenticator.createCredential(opts.json.options);
      const done = await call(c, alive(k + 1), 'POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response });
      if (done.status !== 200) return false;
      ackedUsers.push({ userId: done.json.userId, deviceId: done.json.deviceId, credentialId: response.id });
      return { authenticator, userId: done.json.userId, token: done.json.token, credentialId: response.id };
    }
    async function signIn(
      c: number,
      k: number,
      u: { authenticator: Authenticator; credentialId: string; token: string },
    ): Promise<boolean> {
      const opts = await call(c, alive(k), 'POST', '/passkeys/authenticate/options', {});
      if (opts.status !== 200) return false;
      const response = await u.authenticator.getAssertion(opts.json.options);
      const done = await call(c, alive(k + 1), 'POST', '/passkeys/authenticate/verify', { ceremonyId: opts.json.ceremonyId, response });
      if (done.status !== 200) return false;
      ackedCounters.set(u.credentialId, Math.max(ackedCounters.get(u.credentialId) ?? 0, counterOf(response)));
      u.token = done.json.token;
      return true;
    }
    async function confirm(
      c: number,
      k: number,
      u: { authenticator: Authenticator; userId: string; credentialId: string; token: string },
    ): Promise<boolean> {
      const created = await call(
        c,
        alive(k),
        'POST',
        '/transactions',
        { userId: u.userId, message: 'Pay 1.00 EUR', context: { k } },
        CLUSTER_API_KEY,
      );
      if (created.status !== 201) return false;
      const id = created.json.transactionId;
      const opts = await call(c, alive(k + 1), 'POST', `/transactions/${id}/options`, {}, u.token);
      if (opts.status !== 200) return false;
      const response = await u.authenticator.getAssertion(opts.json.options);
      const done = await call(c, alive(k), 'POST', `/transactions/${id}/confirm`, { ceremonyId: opts.json.ceremonyId, response }, u.token);
      if (done.status !== 200) return false;
      ackedCounters.set(u.credentialId, Math.max(ackedCounters.get(u.credentialId) ?? 0, counterOf(response)));
      ackedApprovals.push(id);
      return true;
    }

    let stopAt = Infinity;
    const loop = async (c: number) => {
      let k = c;
      let sawFailure = false;
      let user: Exclude<Awaited<ReturnType<typeof signUp>>, false> | null = null;
      while (Date.now() < stopAt) {
        k++;
        let ok: boolean;
        if (!user || k % 5 === 0) {
          const made = await signUp(c, k);
          if (made) user = made;
          ok = made !== false;
        } else if (k % 3 === 0) ok = await confirm(c, k, user);
        else ok = await signIn(c, k, user);
        if (!ok) sawFailure = true;
        else if (sawFailure) retriedAfterFailure.add(c);
      }
    };
    const clients = Array.from({ length: 6 }, (_, c) => loop(c));
    await new Promise((r) => setTimeout(r, 2000));
    killedAt = Date.now();
    cluster.servers[1]!.child.kill('SIGKILL');
    await cluster.servers[1]!.exited;
    await new Promise((r) => setTimeout(r, 3000));
    stopAt = Date.now();
    await Promise.all(clients);
    for (const a of agents.flat()) a.destroy();

    // No answer was a 5xx; failures were connection errors, on the killed server only.
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const failed = answers.filter((a) => a.status === 0);
    expect(failed.every((a) => a.server === 1 && a.at >= killedAt)).toBe(true);
    // The survivor kept serving: after the kill, everything it answered succeeded.
    const survivor = answers.filter((a) => a.server === 0 && a.at > killedAt);
    expect(survivor.length).toBeGreaterThan(10);
    expect(survivor.filter((a) => a.status >= 400)).toEqual([]);
    expect(answers.filter((a) => a.status >= 400 && a.status < 500)).toEqual([]);
    // Clients of the dead server saw errors, retried, and went on on the survivor.
    expect(failed.length).toBeGreaterThan(0);
    expect(retriedAfterFailure.size).toBeGreaterThan(0);

    const db = await cluster.connect();
    try {
      for (const r of await checkStoredInvariants((sql) => db.query(sql))) expect(r, r.name).toMatchObject({ bad: 0 });
      const { rows } = await db.query('SELECT credential_id, device_id, user_id, counter FROM passkeys');
      const stored = new Map(rows.map((r) => [r.credential_id as string, r]));
      for (const a of ackedUsers) expect(stored.get(a.credentialId)).toMatchObject({ device_id: a.deviceId, user_id: a.userId });
      for (const [credentialId, counter] of ackedCounters)
        expect(Number(stored.get(credentialId)?.counter)).toBeGreaterThanOrEqual(counter);
      const approved = await db.query(`SELECT id FROM transactions WHERE status = 'approved' AND id = ANY($1::text[])`, [ackedApprovals]);
      expect(approved.rows.length).toBe(ackedApprovals.length);
    } finally {
      await db.end();
    }

    // A replacement server joins the running one and serves at once.
    const replacement = await cluster.startAnother();
    const url = (await replacement.ready).replace('//localhost:', '//127.0.0.1:');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const jwks = (await (await fetch(`${url}/api/v1/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
  }, 120_000);
});
