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
import type { Store } from '../src/storage/store.js';
import { createTwofold } from '../src/twofold.js';

const ORIGIN = 'http://localhost:8080';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DATABASE_URL = process.env.TWOFOLD_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function rate(label: string, fn: () => unknown | Promise<unknown>, seconds = SECONDS): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(); // warm up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  const ops = n / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(58)} ${ops.toFixed(0).padStart(8)} ops/s  (${n} in ${seconds}s)`);
  return ops;
}

function rawVerify(): Promise<number> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(69, 7); // authenticatorData (37) + clientDataHash (32)
  const signature = createSign('sha256').update(data).sign(privateKey);
  return rate('raw crypto.verify ES256', () => {
    if (!cryptoVerify('sha256', data, publicKey, signature)) throw new Error('bad signature');
  });
}

async function bareVerify(): Promise<number> {
  // Register one credential against a throw-away instance to get a real COSE key + assertion.
  const store = await createPGliteStore();
  const twofold = createTwofold({ store, rp: { id: 'localhost', origins: [ORIGIN] }, openRegistration: true, http: { clientAddress: 'none' } }); // in-process requests have no socket
  const authenticator = createSoftAuthenticator({ origin: ORIGIN });
  const reg = await twofold.passkeys.startRegistration({ username: 'bench' });
  await twofold.passkeys.verifyRegistration({ ceremonyId: reg.ceremonyId, response: await authenticator.createCredential(reg.options) });
  const auth = await twofold.passkeys.startAuthentication();
  const response = await authenticator.getAssertion(auth.options);
  const passkey = (await store.getPasskeyByCredentialId(response.id))!;
  await store.close();
  const credential = { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0 };
  return rate('bare verifyAuthenticationResponse (ES256)', async () => {
    const r = await verifyAuthenticationResponse({
      response,
      expectedChallenge: auth.options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: 'localhost',
      credential,
      requireUserVerification: true,
    });
    if (!r.verified) throw new Error('not verified');
  });
}

async function ceremony(label: string, store: Store): Promise<{ sequential: number; concurrent: number }> {
  // Secret keys, as every served instance has (the CLI refuses PostgreSQL without them): sign-in
  // ceremonies are then stateless. In-process requests have no socket, hence no client address.
  const secretKeys = parseKeyring(generateSealingKey('bench'));
  const twofold = createTwofold({ store, rp: { id: 'localhost', origins: [ORIGIN] }, openRegistration: true, secretKeys, http: { clientAddress: 'none' } });
  const post = (path: string, body: unknown) =>
    twofold.handler(
      new Request(`http://localhost/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const authenticator = createSoftAuthenticator({ origin: ORIGIN });
  const reg = (await (await post('/passkeys/register/options', { username: `bench${Date.now()}` })).json()) as any;
  const done = await post('/passkeys/register/verify', { ceremonyId: reg.ceremonyId, response: await authenticator.createCredential(reg.options) });
  if (done.status !== 200) throw new Error(await done.text());

  let serverMs = 0;
  let n = 0;
  const one = async () => {
    let t = performance.now();
    const opts = (await (await post('/passkeys/authenticate/options', {})).json()) as any;
    serverMs += performance.now() - t;
    const response = await authenticator.getAssertion(opts.options); // client side: not timed
    t = performance.now();
    const res = await post('/passkeys/authenticate/verify', { ceremonyId: opts.ceremonyId, response });
    await res.arrayBuffer();
    serverMs += performance.now() - t;
    if (res.status !== 200) throw new Error(`verify failed: ${res.status}`);
    n++;
  };
  for (let i = 0; i < 30; i++) await one();
  serverMs = 0;
  n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) await one();
  const ops = n / (serverMs / 1000);
  console.log(`${label.padEnd(58)} ${ops.toFixed(0).padStart(8)} ops/s  (${n} ceremonies, ${(serverMs / n).toFixed(2)} ms server time each)`);

  // Throughput with CONCURRENCY ceremonies in flight: database round trips overlap with
  // JavaScript work, as on a real server. Wall clock, so it also pays for the software
  // authenticator's signing in this same process: a conservative figure.
  // One user (and authenticator) per worker, as concurrent sign-ins are by different people.
  const workers = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const own = createSoftAuthenticator({ origin: ORIGIN });
      const r = (await (await post('/passkeys/register/options', { username: `bench${Date.now()}w${i}` })).json()) as any;
      await post('/passkeys/register/verify', { ceremonyId: r.ceremonyId, response: await own.createCredential(r.options) });
      return own;
    }),
  );
  let m = 0;
  const start = performance.now();
  const stop = start + SECONDS * 1000;
  await Promise.all(
    workers.map(async (own) => {
      while (performance.now() < stop) {
        const opts = (await (await post('/passkeys/authenticate/options', {})).json()) as any;
        const response = await own.getAssertion(opts.options);
        const res = await post('/passkeys/authenticate/verify', { ceremonyId: opts.ceremonyId, response });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`verify failed: ${res.status}`);
        m++;
      }
    }),
  );
  const throughput = m / ((performance.now() - start) / 1000);
  console.log(`${(label + `, ${CONCURRENCY} in flight`).padEnd(58)} ${throughput.toFixed(0).padStart(8)} ops/s  (${m} ceremonies, wall clock)`);
  return { sequential: ops, concurrent: throughput };
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
const bare = await bareVerify();
const pglite = await createPGliteStore();
const ceremonyPGlite = await ceremony('HTTP ceremony (options + verify), PGlite in memory', pglite);
await pglite.close();
let ceremonyPostgres: { sequential: number; concurrent: number } | null = null;
if (await postgresReachable()) {
  const schema = `twofold_bench_${process.pid}`;
  const store = await createPostgresStore({ connectionString: DATABASE_URL, schema });
  ceremonyPostgres = await ceremony('HTTP ceremony (options + verify), PostgreSQL', store);
  await store.close();
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA ${schema} CASCADE`);
  await c.end();
} else {
  console.log(`PostgreSQL at ${DATABASE_URL} not reachable: skipped`);
}
const ratio = ceremonyPostgres === null ? null : ceremonyPostgres.sequential / bare;
const ratioConcurrent = ceremonyPostgres === null ? null : ceremonyPostgres.concurrent / bare;
const verdict = (r: number) => `${(r * 100).toFixed(1)}% (target ≥ 30%: ${r >= 0.3 ? 'met' : 'NOT met'})`;
console.log(
  ratio === null || ratioConcurrent === null
    ? 'target: not measured (no PostgreSQL)'
    : `PostgreSQL ceremony / bare verify: one at a time ${verdict(ratio)}; ${CONCURRENCY} in flight ${verdict(ratioConcurrent)}`,
);
console.log(
  JSON.stringify({
    rawVerifyOps: Math.round(raw),
    bareVerifyOps: Math.round(bare),
    ceremonyPGliteOps: Math.round(ceremonyPGlite.sequential),
    ceremonyPGliteConcurrentOps: Math.round(ceremonyPGlite.concurrent),
    ceremonyPostgresOps: ceremonyPostgres === null ? null : Math.round(ceremonyPostgres.sequential),
    ceremonyPostgresConcurrentOps: ceremonyPostgres === null ? null : Math.round(ceremonyPostgres.concurrent),
    postgresToBareRatio: ratio === null ? null : Number(ratio.toFixed(3)),
    postgresConcurrentToBareRatio: ratioConcurrent === null ? null : Number(ratioConcurrent.toFixed(3)),
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    node: process.version,
  }),
);
