/**
 * `pnpm bench:server` — how much of a passkey sign-in is the signature check, and how much is
 * Twofold's own work (HTTP handling, validation, storage, token signing)?
 *
 * Prints, in one run:
 *  1. raw `crypto.verify` ES256 ops/s (node:crypto, P-256, SHA-256);
 *  2. bare `verifyAuthenticationResponse` ops/s (@simplewebauthn/server, ES256);
 *  3. full HTTP authentication ceremonies/s (options + verify through the Fetch handler),
 *     on PGlite (in memory) and on PostgreSQL — server time only: the (client-side) signing by
 *     the software authenticator between the two requests is not counted.
 * Bare verify and the PostgreSQL ceremonies are measured in alternating blocks (BENCH_ROUNDS,
 * default 5, each round one block of each), and each ratio is the median of the rounds' own
 * ratios: this host's speed drifts by tens of percent within a minute, and a ratio of two
 * figures taken a minute apart measured the drift as much as the code.
 * The last line is a JSON summary. Target: ceremony on PostgreSQL ≥ 30% of bare verify.
 */
import { createSign, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { createSoftAuthenticator } from '@twofold/testing';
import pg from 'pg';
import { generateSealingKey, parseKeyring } from '../src/sealing/keyring.js';
import { createPGliteStore } from '../src/storage/pglite.js';
import { createPostgresStore } from '../src/storage/postgres.js';
import type { Store } from '../src/store.js';
import { createTwofold } from '../src/twofold.js';
import { BENCH_DATABASE_URL, benchNumber } from './args.js';

const ORIGIN = 'http://localhost:8080';
const SECONDS = benchNumber('BENCH_SECONDS', 3);
const CONCURRENCY = benchNumber('BENCH_CONCURRENCY', 8);
const ROUNDS = Math.max(1, Math.floor(benchNumber('BENCH_ROUNDS', 5)));
const DATABASE_URL = BENCH_DATABASE_URL;

/** ops/s of `fn` run back to back for `seconds` (after `warmUp` untimed calls). */
async function block(fn: () => unknown | Promise<unknown>, seconds: number, warmUp = 0): Promise<number> {
  for (let i = 0; i < warmUp; i++) await fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const line = (label: string, ops: number, note: string) =>
  console.log(`${label.padEnd(58)} ${ops.toFixed(0).padStart(8)} ops/s  (${note})`);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function rawVerify(): Promise<number> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(69, 7); // authenticatorData (37) + clientDataHash (32)
  const signature = createSign('sha256').update(data).sign(privateKey);
  const ops = await block(
    () => {
      if (!cryptoVerify('sha256', data, publicKey, signature)) throw new Error('bad signature');
    },
    SECONDS,
    50,
  );
  line('raw crypto.verify ES256', ops, `${SECONDS}s`);
  return ops;
}

/** One bare `verifyAuthenticationResponse` of a real assertion, to run in blocks. */
async function bareVerifier(): Promise<() => Promise<void>> {
  // Register one credential against a throw-away instance to get a real COSE key + assertion.
  const store = await createPGliteStore();
  const twofold = createTwofold({
    store,
    rp: { id: 'localhost', origins: [ORIGIN] },
    openRegistration: true,
    http: { clientAddress: 'none' },
  }); // in-process requests have no socket
  const authenticator = createSoftAuthenticator({ origin: ORIGIN });
  const reg = await twofold.passkeys.startRegistration({ username: 'bench' });
  await twofold.passkeys.verifyRegistration({ ceremonyId: reg.ceremonyId, response: await authenticator.createCredential(reg.options) });
  const auth = await twofold.passkeys.startAuthentication();
  const response = await authenticator.getAssertion(auth.options);
  const passkey = (await store.getPasskeyByCredentialId(response.id))!;
  await store.close();
  const credential = { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0 };
  const one = async () => {
    const r = await verifyAuthenticationResponse({
      response,
      expectedChallenge: auth.options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: 'localhost',
      credential,
      requireUserVerification: true,
    });
    if (!r.verified) throw new Error('not verified');
  };
  for (let i = 0; i < 50; i++) await one(); // warm up
  return one;
}

/** Sign-in ceremonies over HTTP against `store`: one at a time (server time) and CONCURRENCY in flight (wall clock). */
async function ceremonies(store: Store) {
  // Secret keys, as every served instance has (the CLI refuses PostgreSQL without them): sign-in
  // ceremonies are then stateless. In-process requests have no socket, hence no client address.
  const secretKeys = parseKeyring(generateSealingKey('bench'));
  const twofold = createTwofold({
    store,
    rp: { id: 'localhost', origins: [ORIGIN] },
    openRegistration: true,
    secretKeys,
    http: { clientAddress: 'none' },
  });
  const post = (path: string, body: unknown) =>
    twofold.handler(
      new Request(`http://localhost/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const register = async (name: string) => {
    const authenticator = createSoftAuthenticator({ origin: ORIGIN });
    const reg = (await (await post('/passkeys/register/options', { username: `${name}${Date.now()}` })).json()) as any;
    const done = await post('/passkeys/register/verify', {
      ceremonyId: reg.ceremonyId,
      response: await authenticator.createCredential(reg.options),
    });
    if (done.status !== 200) throw new Error(await done.text());
    return authenticator;
  };
  // One user (and authenticator) per concurrent worker, as concurrent sign-ins are by different people.
  const authenticators = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => register(`bench${i}w`)));
  let serverMs = 0;
  const signIn = async (authenticator: (typeof authenticators)[number], timed: boolean) => {
    let t = performance.now();
    const opts = (await (await post('/passkeys/authenticate/options', {})).json()) as any;
    if (timed) serverMs += performance.now() - t;
    const response = await authenticator.getAssertion(opts.options); // client side: not timed
    t = performance.now();
    const res = await post('/passkeys/authenticate/verify', { ceremonyId: opts.ceremonyId, response });
    await res.arrayBuffer();
    if (timed) serverMs += performance.now() - t;
    if (res.status !== 200) throw new Error(`verify failed: ${res.status}`);
  };
  for (let i = 0; i < 200; i++) await signIn(authenticators[0]!, false); // warm up (JIT, pool, caches)
  return {
    /** Ceremonies per second of server time, one at a time, for `seconds`; and ms each. */
    async sequential(seconds: number): Promise<{ ops: number; ms: number }> {
      serverMs = 0;
      let n = 0;
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        await signIn(authenticators[0]!, true);
        n++;
      }
      return { ops: n / (serverMs / 1000), ms: serverMs / n };
    },
    /**
     * Ceremonies per second with CONCURRENCY in flight: database round trips overlap with
     * JavaScript work, as on a real server. Wall clock, so it also pays for the software
     * authenticator's signing in this same process: a conservative figure.
     */
    async concurrent(seconds: number): Promise<number> {
      let m = 0;
      const start = performance.now();
      const stop = start + seconds * 1000;
      await Promise.all(
        authenticators.map(async (own) => {
          while (performance.now() < stop) {
            await signIn(own, false);
            m++;
          }
        }),
      );
      return m / ((performance.now() - start) / 1000);
    },
  };
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const raw = await rawVerify();
const bare = await bareVerifier();

const pglite = await createPGliteStore();
const onPGlite = await ceremonies(pglite);
const pgliteSequential = await onPGlite.sequential(SECONDS);
line('HTTP ceremony (options + verify), PGlite in memory', pgliteSequential.ops, `${pgliteSequential.ms.toFixed(2)} ms server time each`);
const pgliteConcurrent = await onPGlite.concurrent(SECONDS);
line(`HTTP ceremony, PGlite in memory, ${CONCURRENCY} in flight`, pgliteConcurrent, 'wall clock');
await pglite.close();

let bareOps: number;
let postgres: { sequential: number; ms: number; concurrent: number; ratio: number; ratioConcurrent: number } | null = null;
if (await postgresReachable()) {
  const schema = `twofold_bench_${process.pid}`;
  const store = await createPostgresStore({ connectionString: DATABASE_URL, schema });
  const onPostgres = await ceremonies(store);
  const seconds = SECONDS / ROUNDS;
  const rounds: { bare: number; sequential: number; ms: number; concurrent: number }[] = [];
  console.log(
    `PostgreSQL, ${ROUNDS} rounds of ${seconds.toFixed(1)} s blocks: bare verify | ceremony one at a time | ${CONCURRENCY} in flight`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    const b = await block(bare, seconds);
    const { ops, ms } = await onPostgres.sequential(seconds);
    const c = await onPostgres.concurrent(seconds);
    rounds.push({ bare: b, sequential: ops, ms, concurrent: c });
    console.log(
      `  round ${r + 1}: ${b.toFixed(0)} | ${ops.toFixed(0)} (${ms.toFixed(2)} ms, ${((100 * ops) / b).toFixed(1)} %) | ${c.toFixed(0)} (${((100 * c) / b).toFixed(1)} %)`,
    );
  }
  await store.close();
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA ${schema} CASCADE`);
  await c.end();
  bareOps = median(rounds.map((x) => x.bare));
  postgres = {
    sequential: median(rounds.map((x) => x.sequential)),
    ms: median(rounds.map((x) => x.ms)),
    concurrent: median(rounds.map((x) => x.concurrent)),
    ratio: median(rounds.map((x) => x.sequential / x.bare)),
    ratioConcurrent: median(rounds.map((x) => x.concurrent / x.bare)),
  };
  line('bare verifyAuthenticationResponse (ES256), median', bareOps, `${ROUNDS} blocks`);
  line('HTTP ceremony (options + verify), PostgreSQL, median', postgres.sequential, `${postgres.ms.toFixed(2)} ms server time each`);
  line(`HTTP ceremony, PostgreSQL, ${CONCURRENCY} in flight, median`, postgres.concurrent, 'wall clock');
} else {
  bareOps = await block(bare, SECONDS);
  line('bare verifyAuthenticationResponse (ES256)', bareOps, `${SECONDS}s`);
  console.log(`PostgreSQL at ${DATABASE_URL} not reachable: skipped`);
}
const verdict = (r: number) => `${(r * 100).toFixed(1)}% (target ≥ 30%: ${r >= 0.3 ? 'met' : 'NOT met'})`;
console.log(
  postgres === null
    ? 'target: not measured (no PostgreSQL)'
    : `PostgreSQL ceremony / bare verify (median of the rounds' ratios): one at a time ${verdict(postgres.ratio)}; ${CONCURRENCY} in flight ${verdict(postgres.ratioConcurrent)}`,
);
console.log(
  JSON.stringify({
    rawVerifyOps: Math.round(raw),
    bareVerifyOps: Math.round(bareOps),
    ceremonyPGliteOps: Math.round(pgliteSequential.ops),
    ceremonyPGliteConcurrentOps: Math.round(pgliteConcurrent),
    ceremonyPostgresOps: postgres === null ? null : Math.round(postgres.sequential),
    ceremonyPostgresMs: postgres === null ? null : Number(postgres.ms.toFixed(3)),
    ceremonyPostgresConcurrentOps: postgres === null ? null : Math.round(postgres.concurrent),
    postgresToBareRatio: postgres === null ? null : Number(postgres.ratio.toFixed(3)),
    postgresConcurrentToBareRatio: postgres === null ? null : Number(postgres.ratioConcurrent.toFixed(3)),
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    node: process.version,
  }),
);
