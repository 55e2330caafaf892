/**
 * `pnpm bench:load` — several Twofold servers on one PostgreSQL, under concurrent virtual users
 * doing the real ceremonies over HTTP, then the invariants checked in the database.
 *
 * Starts `--servers N` (BENCH_SERVERS, default 2) `twofold serve` processes on a fresh schema of
 * the PostgreSQL at TWOFOLD_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * configured identically (docs/deploy.md), and runs `--users U` (BENCH_USERS, default 16)
 * virtual users for BENCH_SECONDS (default 20). Each user signs up, then loops over flows, each
 * step on a server of its own choosing (a ceremony started on one server is finished on another):
 *  - sign-in: passkey authentication (options + verify);
 *  - pin: PIN set once, then PIN sign-ins;
 *  - tx-passkey: the service creates a transaction; the user confirms it twice at once, on two
 *    servers, with two assertions: exactly one may get the context;
 *  - tx-pin: the same with the PIN;
 *  - code-race: the service generates a code; three new devices redeem it at once on different
 *    servers: at most one may add a passkey;
 *  - sign-up-race: two devices sign up the same username at once on two servers: one wins.
 * Passkey signing runs in worker threads (the soft authenticator of @twofold/testing), so the
 * generator's event loop only does HTTP. Each user sends from its own loopback addresses
 * (127.x.y.1), as distinct clients would; per-address limits apply as in production.
 *
 * Prints throughput, p50/p95/p99 request latency per flow, responses by status, then checks in
 * the database: every code redeemed at most once, every transaction decided (and its context
 * released) at most once, signature counters equal to the newest acknowledged assertion, every
 * acknowledged write present, no orphan rows. The last line is one JSON object. Targets: no
 * response ≥ 500, no invariant violation. The schema is dropped afterwards.
 */
import http from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { CLUSTER_API_KEY, CLUSTER_ORIGIN, startCluster, type Cluster } from '../test/helpers/cluster.js';
import { checkStoredInvariants } from '../test/helpers/invariants.js';
import { BENCH_DATABASE_URL, benchArgs, benchNumber } from './args.js';
import type { SignReply, SignRequest } from './load/signer.js';

const args = benchArgs({ strings: ['servers', 'users', 'seconds', 'signers'] });
const SERVERS = benchNumber('BENCH_SERVERS', 2, args.servers);
const USERS = benchNumber('BENCH_USERS', 16, args.users);
const SECONDS = benchNumber('BENCH_SECONDS', 20, args.seconds);
const SIGNERS = benchNumber('BENCH_SIGNERS', Math.max(1, Math.min(2, cpus().length - 1)), args.signers);
const DATABASE_URL = BENCH_DATABASE_URL;
const ADDRESSES_PER_USER = 8;
for (const [name, v] of [
  ['servers', SERVERS],
  ['users', USERS],
  ['seconds', SECONDS],
  ['signers', SIGNERS],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}

// ---------------------------------------------------------------- signing threads

// tsx's loader hooks are per thread: a worker registers them itself, then loads the TypeScript.
const SIGNER_BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./load/signer.ts', import.meta.url).href)}); })`;
const signers = Array.from({ length: SIGNERS }, () => new Worker(SIGNER_BOOT, { eval: true }));
const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
let nextSignId = 0;
for (const w of signers) {
  w.on('message', (m: SignReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  w.on('error', (e) => {
    console.error('signer thread failed:', e);
    process.exit(2);
  });
}
let deviceSeq = 0;
/** A soft authenticator living in one signing thread. */
function newDevice() {
  const name = `d${deviceSeq++}`;
  const worker = signers[deviceSeq % SIGNERS]!;
  const send = (op: 'create' | 'get', options: unknown): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = nextSignId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, device: name, origin: CLUSTER_ORIGIN, options } as SignRequest);
    });
  return { create: (o: unknown) => send('create', o), get: (o: unknown) => send('get', o) };
}
type Device = ReturnType<typeof newDevice>;

// ---------------------------------------------------------------- HTTP and statistics

interface Reply {
  status: number; // 0: no response (connection error)
  json: any;
}
const byStatus = new Map<string, number>();
const latencies = new Map<string, number[]>(); // per flow
const allLatencies: number[] = [];
const flowsDone = new Map<string, { ok: number; failed: number }>();
const violations: string[] = [];
let requests = 0;
let stopping = false;

function count(key: string) {
  byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
}

class Client {
  private readonly agents: http.Agent[];
  private turn = 0;
  constructor(user: number) {
    // 127.<hi>.<lo>.<k+1>: a block of loopback addresses per virtual user. Idle sockets are
    // dropped after 3 s, before the server's 5 s keep-alive timeout closes them under a request.
    this.agents = Array.from(
      { length: ADDRESSES_PER_USER },
      (_, k) =>
        new http.Agent({ keepAlive: true, timeout: 3000, maxSockets: 4, localAddress: `127.${(user >> 8) + 1}.${user & 255}.${k + 1}` }),
    );
  }
  close() {
    for (const a of this.agents) a.destroy();
  }
  call(flow: string, base: string, method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    const agent = this.agents[this.turn++ % this.agents.length]!;
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (data) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(data.length);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    const started = performance.now();
    return new Promise((resolve) => {
      const req = http.request(`${base}/api/v1${path}`, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - started;
          requests++;
          const text = Buffer.concat(chunks).toString();
          let json: any = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {}
          const status = res.statusCode ?? 0;
          count(status >= 400 && json?.code ? `${status} ${json.code}` : String(status));
          (latencies.get(flow) ?? latencies.set(flow, []).get(flow)!).push(ms);
          allLatencies.push(ms);
          resolve({ status, json });
        });
        res.on('error', () => resolve({ status: 0, json: null }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        requests++;
        count(`network ${e.code ?? e.message}`);
        resolve({ status: 0, json: null });
      });
      req.end(data);
    });
  }
}

/** The signature counter in an assertion's authenticatorData (bytes 33–36, big-endian). */
function counterOf(assertion: any): number {
  return Buffer.from(assertion.response.authenticatorData, 'base64url').readUInt32BE(33);
}

// ---------------------------------------------------------------- what the run acknowledged

interface UserState {
  userId: string;
  username: string;
  device: Device;
  credentialId: string;
  token: string;
  pin: string | null;
  /** This virtual user's device key (device binding: PIN checks need its proofs), bound at sign-up. */
  deviceKey: { keyId: string; privateKey: CryptoKey } | null;
}
const ackedUsers: { userId: string; deviceId: string; credentialId: string }[] = [];
const ackedCounters = new Map<string, number[]>(); // credential id -> counters of acknowledged assertions
const ackedApprovals = new Map<string, string>(); // transaction id -> method
const ackedCodeDevices: { userId: string; deviceId: string; credentialId: string }[] = [];
const ackedPins = new Map<string, string>(); // user id -> PIN last set

const ackedSignIns = new Map<string, number>(); // credential id -> acknowledged sign-ins
const producedCounters = new Map<string, number>(); // credential id -> highest counter ever signed

function ackCounter(credentialId: string, assertion: any) {
  (ackedCounters.get(credentialId) ?? ackedCounters.set(credentialId, []).get(credentialId)!).push(counterOf(assertion));
}
function produced(credentialId: string, assertion: any) {
  producedCounters.set(credentialId, Math.max(producedCounters.get(credentialId) ?? 0, counterOf(assertion)));
}

// ---------------------------------------------------------------- flows

let cluster: Cluster;
const server = (i: number) => cluster.urls[((i % SERVERS) + SERVERS) % SERVERS]!;
let usernameSeq = 0;
const uniqueUsername = () => `load${process.pid.toString(36)}u${(usernameSeq++).toString(36)}`;

async function signUp(c: Client, s: number): Promise<UserState | null> {
  const device = newDevice();
  const username = uniqueUsername();
  const opts = await c.call('sign-up', server(s), 'POST', '/passkeys/register/options', { username });
  if (opts.status !== 200) return null;
  const response = await device.create(opts.json.options);
  const done = await c.call('sign-up', server(s + 1), 'POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response });
  if (done.status !== 200) return null;
  ackedUsers.push({ userId: done.json.userId, deviceId: done.json.deviceId, credentialId: response.id });
  // Like the browser client: bind a device key right after the passkey sign-up.
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const bound = await c.call('sign-up', server(s), 'POST', '/me/device-keys', { publicKey: { kty, crv, x, y } }, done.json.token);
  const deviceKey = bound.status === 201 ? { keyId: bound.json.keyId as string, privateKey: pair.privateKey } : null;
  return { userId: done.json.userId, username, device, credentialId: response.id, token: done.json.token, pin: null, deviceKey };
}

/** A device-key proof for `purpose` over a fresh challenge (null without a bound key). */
async function deviceProof(c: Client, flow: string, u: UserState, s: number, purpose: 'pin' | 'transaction') {
  if (!u.deviceKey) return null;
  const ch = await c.call(flow, server(s), 'POST', '/device-keys/challenge', { userId: u.userId, purpose });
  if (ch.status !== 200) return null;
  const message = new TextEncoder().encode(`twofold-device-proof:v1:${purpose}:${u.userId}:${ch.json.challenge}`);
  const signature = Buffer.from(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, u.deviceKey.privateKey, message)).toString(
    'base64url',
  );
  return { keyId: u.deviceKey.keyId, challengeId: ch.json.challengeId as string, signature };
}

async function signIn(c: Client, u: UserState, s: number): Promise<boolean> {
  const opts = await c.call('sign-in', server(s), 'POST', '/passkeys/authenticate/options', s % 2 ? {} : { username: u.username });
  if (opts.status !== 200) return false;
  const response = await u.device.get(opts.json.options);
  produced(u.credentialId, response);
  const done = await c.call('sign-in', server(s + 1), 'POST', '/passkeys/authenticate/verify', {
    ceremonyId: opts.json.ceremonyId,
    response,
  });
  if (done.status !== 200) return false;
  ackCounter(u.credentialId, response);
  ackedSignIns.set(u.credentialId, (ackedSignIns.get(u.credentialId) ?? 0) + 1);
  if (done.json.userId !== u.userId) violations.push(`sign-in of ${u.userId} answered for ${done.json.userId}`);
  u.token = done.json.token;
  return true;
}

async function pinFlow(c: Client, u: UserState, s: number): Promise<boolean> {
  if (u.pin === null) {
    const pin = String(100000 + Math.floor(Math.random() * 900000));
    const set = await c.call('pin', server(s), 'PUT', '/me/pin', { pin }, u.token);
    if (set.status !== 204) return false;
    u.pin = pin;
    ackedPins.set(u.userId, pin);
  }
  const proof = await deviceProof(c, 'pin', u, s, 'pin');
  if (!proof) return false;
  const r = await c.call('pin', server(s + 1), 'POST', '/pin/verify', { userId: u.userId, pin: u.pin, deviceProof: proof });
  return r.status === 200;
}

async function createTransaction(c: Client, flow: string, u: UserState, s: number, allowPin: boolean) {
  const nonce = Math.random().toString(36).slice(2);
  const r = await c.call(
    flow,
    server(s),
    'POST',
    '/transactions',
    { userId: u.userId, message: `Pay 10.00 EUR (${nonce})`, context: { nonce }, allowPin },
    CLUSTER_API_KEY,
  );
  return r.status === 201 ? { id: r.json.transactionId as string, nonce } : null;
}

/** Checks a confirmation race: at most one winner, and it got the context. */
function judgeTransaction(flow: string, tx: { id: string; nonce: string }, replies: Reply[], method: string): boolean {
  const won = replies.filter((r) => r.status === 200);
  if (won.length > 1) violations.push(`${flow}: transaction ${tx.id} approved ${won.length} times`);
  for (const w of won) if (w.json?.context?.nonce !== tx.nonce) violations.push(`${flow}: transaction ${tx.id} released a wrong context`);
  if (won.length >= 1) ackedApprovals.set(tx.id, method);
  return won.length === 1;
}

async function txPasskey(c: Client, u: UserState, s: number): Promise<boolean> {
  const tx = await createTransaction(c, 'tx-passkey', u, s, false);
  if (!tx) return false;
  const starts = await Promise.all(
    [0, 1].map((k) => c.call('tx-passkey', server(s + k), 'POST', `/transactions/${tx.id}/options`, {}, u.token)),
  );
  if (starts.some((r) => r.status !== 200)) return false;
  const assertions: any[] = [];
  for (const st of starts) assertions.push(await u.device.get(st.json.options)); // one authenticator signs in turn
  for (const a of assertions) produced(u.credentialId, a);
  const replies = await Promise.all(
    starts.map((st, k) =>
      c.call(
        'tx-passkey',
        server(s + k + 1),
        'POST',
        `/transactions/${tx.id}/confirm`,
        { ceremonyId: st.json.ceremonyId, response: assertions[k] },
        u.token,
      ),
    ),
  );
  replies.forEach((r, k) => {
    if (r.status === 200) ackCounter(u.credentialId, assertions[k]);
  });
  return judgeTransaction('tx-passkey', tx, replies, 'passkey');
}

async function txPin(c: Client, u: UserState, s: number): Promise<boolean> {
  if (u.pin === null && !(await pinFlow(c, u, s))) return false;
  const tx = await createTransaction(c, 'tx-pin', u, s, true);
  if (!tx) return false;
  const proofs = await Promise.all([0, 1].map((k) => deviceProof(c, 'tx-pin', u, s + k, 'transaction')));
  if (proofs.some((p) => !p)) return false;
  const replies = await Promise.all(
    [0, 1].map((k) =>
      c.call('tx-pin', server(s + k), 'POST', `/transactions/${tx.id}/confirm`, { pin: u.pin, deviceProof: proofs[k] }, u.token),
    ),
  );
  return judgeTransaction('tx-pin', tx, replies, 'pin');
}

/**
 * The second half of a race: each device whose start (`starts[k]`, for `devices[k]`) got a
 * ceremony creates its passkey, then all finish at once at `path`, each on the server after the
 * one it started on. `won`: the finishes that succeeded.
 */
async function finishRace(c: Client, flow: string, s: number, path: string, devices: Device[], starts: Reply[]) {
  const ready = starts.map((r, k) => ({ r, device: devices[k]! })).filter((x) => x.r.status === 200);
  const responses = await Promise.all(ready.map((x) => x.device.create(x.r.json.options)));
  const done = await Promise.all(
    ready.map((x, k) =>
      c.call(flow, server(s + k + 1), 'POST', path, {
        ceremonyId: x.r.json.ceremonyId,
        response: responses[k],
      }),
    ),
  );
  return { responses, done, won: done.filter((r) => r.status === 200) };
}

async function codeRace(c: Client, u: UserState, s: number): Promise<boolean> {
  const gen = await c.call(
    'code-race',
    server(s),
    'POST',
    '/codes/short/generate',
    { userId: u.userId, purpose: 'add_credential', authorize: true },
    CLUSTER_API_KEY,
  );
  if (gen.status !== 201) return false;
  const racers = [0, 1, 2].map(() => newDevice());
  const inits = await Promise.all(
    racers.map((_, k) =>
      c.call('code-race', server(s + k), 'POST', '/credentials/fido2/init/code', {
        userId: u.userId,
        code: { code: gen.json.code, type: 'short' },
      }),
    ),
  );
  const { responses, done, won } = await finishRace(c, 'code-race', s, '/credentials/fido2/complete', racers, inits);
  if (won.length > 1) violations.push(`code-race: one code added ${won.length} passkeys for ${u.userId}`);
  done.forEach((r, k) => {
    if (r.status === 200) ackedCodeDevices.push({ userId: u.userId, deviceId: r.json.deviceId, credentialId: responses[k].id });
  });
  return won.length === 1;
}

async function signUpRace(c: Client, s: number): Promise<boolean> {
  const username = uniqueUsername();
  const devices = [newDevice(), newDevice()];
  const opts = await Promise.all(
    devices.map((_, k) => c.call('sign-up-race', server(s + k), 'POST', '/passkeys/register/options', { username })),
  );
  const { responses, done, won } = await finishRace(c, 'sign-up-race', s, '/passkeys/register/verify', devices, opts);
  if (won.length > 1) violations.push(`sign-up-race: username ${username} signed up ${won.length} times`);
  done.forEach((r, k) => {
    if (r.status === 200) ackedUsers.push({ userId: r.json.userId, deviceId: r.json.deviceId, credentialId: responses[k].id });
  });
  return won.length === 1;
}

const FLOWS: [string, number][] = [
  ['sign-in', 8],
  ['pin', 2],
  ['tx-passkey', 3],
  ['tx-pin', 1],
  ['code-race', 1],
  ['sign-up-race', 1],
];
const WEIGHT = FLOWS.reduce((a, [, w]) => a + w, 0);
function pickFlow(): string {
  let r = Math.random() * WEIGHT;
  for (const [name, w] of FLOWS) if ((r -= w) < 0) return name;
  return FLOWS[0]![0];
}

async function virtualUser(index: number, until: number): Promise<void> {
  const c = new Client(index);
  try {
    let s = index;
    let u: UserState | null = null;
    const note = (flow: string, ok: boolean) => {
      const f = flowsDone.get(flow) ?? flowsDone.set(flow, { ok: 0, failed: 0 }).get(flow)!;
      if (ok) f.ok++;
      else f.failed++;
    };
    while (!u && performance.now() < until) {
      u = await signUp(c, s++);
      note('sign-up', u !== null);
    }
    while (u && performance.now() < until && !stopping) {
      const flow = pickFlow();
      s++;
      const ok =
        flow === 'sign-in'
          ? await signIn(c, u, s)
          : flow === 'pin'
            ? await pinFlow(c, u, s)
            : flow === 'tx-passkey'
              ? await txPasskey(c, u, s)
              : flow === 'tx-pin'
                ? await txPin(c, u, s)
                : flow === 'code-race'
                  ? await codeRace(c, u, s)
                  : await signUpRace(c, s);
      note(flow, ok);
    }
  } finally {
    c.close();
  }
}

// ---------------------------------------------------------------- invariants in the database

async function checkInvariants(db: pg.Client): Promise<{ name: string; bad: number; sample: unknown[] }[]> {
  const results = await checkStoredInvariants((sql) => db.query(sql));

  // What the run was told succeeded must be there (no lost acknowledged writes), and each
  // signature counter must be the newest acknowledged one (a counter never goes back).
  const passkeys = new Map(
    (await db.query('SELECT credential_id, device_id, user_id, counter FROM passkeys')).rows.map((r) => [r.credential_id as string, r]),
  );
  const lost: unknown[] = [];
  for (const a of [...ackedUsers, ...ackedCodeDevices]) {
    const p = passkeys.get(a.credentialId);
    if (!p || p.device_id !== a.deviceId || p.user_id !== a.userId) lost.push(a);
  }
  results.push({ name: 'an acknowledged sign-up or code redemption missing', bad: lost.length, sample: lost.slice(0, 3) });
  // A losing transaction confirmation may still have advanced the counter (its assertion was
  // valid; the decision was taken by the other): so the stored counter must lie between the
  // newest acknowledged assertion and the newest one ever signed, and no counter value may have
  // been accepted twice. Sign-ins have no later step, so each acknowledged one has its event.
  const signInEvents = new Map(
    (
      await db.query(
        `SELECT p.credential_id, count(e.*)::int AS n FROM passkeys p JOIN audit_events e ON e.device_id = p.device_id AND e.type = 'user.signed_in' GROUP BY 1`,
      )
    ).rows.map((r) => [r.credential_id as string, Number(r.n)]),
  );
  const counterBad: unknown[] = [];
  for (const [credentialId, counters] of ackedCounters) {
    const stored = Number(passkeys.get(credentialId)?.counter ?? -1);
    const newestAcked = Math.max(...counters);
    const newestSigned = producedCounters.get(credentialId) ?? 0;
    if (stored < newestAcked || stored > newestSigned || new Set(counters).size !== counters.length) {
      counterBad.push({ credentialId, stored, newestAcked, newestSigned, acknowledged: counters.slice(-5) });
    }
  }
  results.push({
    name: 'a signature counter behind an acknowledged assertion, ahead of any signed one, or one value accepted twice',
    bad: counterBad.length,
    sample: counterBad.slice(0, 3),
  });
  const eventsBad: unknown[] = [];
  for (const [credentialId, n] of ackedSignIns) {
    if ((signInEvents.get(credentialId) ?? 0) !== n)
      eventsBad.push({ credentialId, acknowledged: n, events: signInEvents.get(credentialId) ?? 0 });
  }
  results.push({ name: 'acknowledged sign-ins and recorded sign-in events differ', bad: eventsBad.length, sample: eventsBad.slice(0, 3) });
  const decided = new Map((await db.query(`SELECT id, status, method FROM transactions`)).rows.map((r) => [r.id as string, r]));
  const lostTx: unknown[] = [];
  for (const [id, method] of ackedApprovals) {
    const t = decided.get(id);
    if (t?.status !== 'approved' || t.method !== method) lostTx.push({ id, method, stored: t ?? null });
  }
  results.push({ name: 'an acknowledged approval missing', bad: lostTx.length, sample: lostTx.slice(0, 3) });
  results.push({ name: 'a race with more than one winner (seen by the clients)', bad: violations.length, sample: violations.slice(0, 3) });
  return results;
}

// ---------------------------------------------------------------- run

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
const ms = (v: number) => Number(v.toFixed(1));

console.log(`starting ${SERVERS} servers on ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')} ...`);
cluster = await startCluster({ servers: SERVERS, databaseUrl: DATABASE_URL, schemaPrefix: 'twofold_load' });
let db: pg.Client | null = null;
try {
  console.log(
    `servers: ${cluster.urls.join(', ')} (schema ${cluster.schema}); ${USERS} virtual users, ${SIGNERS} signing threads, ${SECONDS}s`,
  );
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: USERS }, (_, i) => virtualUser(i, until)));
  const elapsed = (performance.now() - started) / 1000;

  const sorted = allLatencies.sort((a, b) => a - b);
  console.log(`\n${requests} requests in ${elapsed.toFixed(1)}s = ${(requests / elapsed).toFixed(0)} requests/s\n`);
  console.log(
    `${'flow'.padEnd(14)} ${'done'.padStart(6)} ${'not ok'.padStart(7)} ${'flows/s'.padStart(8)} ${'requests'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`,
  );
  const flows: Record<string, unknown> = {};
  for (const name of ['sign-up', ...FLOWS.map(([f]) => f)]) {
    const l = (latencies.get(name) ?? []).sort((a, b) => a - b);
    const f = flowsDone.get(name) ?? { ok: 0, failed: 0 };
    const row = {
      ok: f.ok,
      notOk: f.failed,
      perSecond: ms(f.ok / elapsed),
      requests: l.length,
      p50Ms: ms(quantile(l, 0.5)),
      p95Ms: ms(quantile(l, 0.95)),
      p99Ms: ms(quantile(l, 0.99)),
    };
    flows[name] = row;
    console.log(
      `${name.padEnd(14)} ${String(row.ok).padStart(6)} ${String(row.notOk).padStart(7)} ${row.perSecond.toFixed(1).padStart(8)} ${String(row.requests).padStart(9)} ${row.p50Ms.toFixed(1).padStart(7)} ${row.p95Ms.toFixed(1).padStart(7)} ${row.p99Ms.toFixed(1).padStart(7)}`,
    );
  }
  console.log(
    `${'all requests'.padEnd(14)} ${''.padStart(6)} ${''.padStart(7)} ${''.padStart(8)} ${String(sorted.length).padStart(9)} ${quantile(sorted, 0.5).toFixed(1).padStart(7)} ${quantile(sorted, 0.95).toFixed(1).padStart(7)} ${quantile(sorted, 0.99).toFixed(1).padStart(7)}`,
  );
  console.log('\nresponses by status:');
  const statuses = Object.fromEntries([...byStatus].sort(([a], [b]) => a.localeCompare(b)));
  for (const [k, v] of Object.entries(statuses)) console.log(`  ${k.padEnd(40)} ${v}`);
  const errors5xx = [...byStatus].filter(([k]) => /^5\d\d/.test(k)).reduce((a, [, v]) => a + v, 0);
  const networkErrors = [...byStatus].filter(([k]) => k.startsWith('network')).reduce((a, [, v]) => a + v, 0);

  console.log('\ninvariants (checked in the database):');
  db = await cluster.connect();
  const results = await checkInvariants(db);
  for (const r of results)
    console.log(`  ${r.bad === 0 ? 'ok  ' : 'FAIL'} ${r.name}${r.bad ? `: ${r.bad} ${JSON.stringify(r.sample)}` : ''}`);
  const invariantViolations = results.reduce((a, r) => a + r.bad, 0);
  const totals = (
    await db.query(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM passkeys)::int AS passkeys, (SELECT count(*) FROM codes WHERE used_at IS NOT NULL)::int AS "codesRedeemed", (SELECT count(*) FROM transactions WHERE status = 'approved')::int AS "transactionsApproved", (SELECT count(*) FROM audit_events)::int AS "auditEvents"`,
    )
  ).rows[0];
  console.log(`  rows: ${JSON.stringify(totals)}`);
  const p99Ms = ms(quantile(sorted, 0.99));
  console.log(
    `\ntargets: responses >= 500: ${errors5xx} (target 0: ${errors5xx === 0 ? 'met' : 'NOT met'}); invariant violations: ${invariantViolations} (target 0: ${invariantViolations === 0 ? 'met' : 'NOT met'})`,
  );
  console.log(
    JSON.stringify({
      servers: SERVERS,
      users: USERS,
      seconds: SECONDS,
      requests,
      requestsPerSecond: ms(requests / elapsed),
      errors5xx,
      networkErrors,
      invariantViolations,
      p50Ms: ms(quantile(sorted, 0.5)),
      p95Ms: ms(quantile(sorted, 0.95)),
      p99Ms,
      flows,
      statuses,
      rows: totals,
      node: process.version,
    }),
  );
  process.exitCode = errors5xx === 0 && invariantViolations === 0 ? 0 : 1;
} finally {
  stopping = true;
  await db?.end().catch(() => {});
  await cluster.drop();
  await Promise.all(signers.map((w) => w.terminate()));
}
