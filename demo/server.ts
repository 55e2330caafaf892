/**
 * Northwind Bank's backend: a small Node app that uses `@twofold/server` as a library.
 *
 *   /api/v1/*  the Twofold HTTP API (`twofold.handler`): the browser client's passkey, face,
 *              PIN and transaction ceremonies
 *   /bank/*    the bank's own routes; they call the Twofold functions in-process
 *   /          the built demo app (demo/dist)
 *
 * No API key and no secret ever reaches the browser. Run it with `pnpm demo`; see README.md.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { FaceAction } from '@twofold/protocol';
import { createTwofold, isTwofoldError, problemResponse, TwofoldError } from '@twofold/server';
import { createFaceAnalyzer } from '@twofold/server/face';
import { clientAddressFor, createWorkerPinHasher, FRONT_END_HEADERS, loadSecretKeys, readSettings, serve } from '@twofold/server/node';
import { mountTestClock } from '@twofold/testing/clock';
import { createPGliteStore } from '@twofold/server/pglite';
import { createPostgresStore } from '@twofold/server/postgres';
import { Hono, type Context } from 'hono';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const log = (line: string) => console.log(line);
const dist = fileURLToPath(new URL('dist', import.meta.url));
const settings = (() => {
  try {
    if (!existsSync(resolve(dist, 'index.html'))) throw new Error(`${dist} is missing: build the demo first (pnpm build:demo).`);
    return readSettings({ argv: process.argv.slice(2) }); // the PORT / TWOFOLD_* settings of `twofold serve`
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    process.exit(2);
  }
})();

// 1. A store: the embedded PGlite database in a directory, or PostgreSQL with DATABASE_URL.
if (!settings.databaseUrl) mkdirSync(resolve(settings.dataDir), { recursive: true, mode: 0o700 }); // the database and its key file: owner only
const store = settings.databaseUrl
  ? await createPostgresStore({
      connectionString: settings.databaseUrl,
      // Tables in schema `twofold` by default; TWOFOLD_DATABASE_SCHEMA / TWOFOLD_MOVE_FROM_SCHEMA as for `twofold serve`.
      ...(settings.databaseSchema && { schema: settings.databaseSchema }),
      ...(settings.moveFromSchema && { moveFromSchema: settings.moveFromSchema }),
    })
  : await createPGliteStore({ dataDir: resolve(settings.dataDir) });

// 2. Listen first, so that with PORT=0 the default origin names the port actually bound.
let app: Hono | undefined;
const server = await serve({
  handler: (req) => app?.fetch(req) ?? new Response('Starting…', { status: 503 }),
  port: settings.port,
  ...(settings.host && { hostname: settings.host }),
});
const origins = settings.origins ?? [`http://localhost:${server.port}`];

// 3. The Twofold instance. Its secret keys seal face templates, signing keys and transaction
// contexts at rest; for the embedded database they live in a key file beside the data.
const bank = new Hono();
const now = settings.testClock ? mountTestClock({ app: bank, log }) : undefined; // tests move it with POST /__test__/clock
// Face checks: the server measures the camera frames itself, in worker threads (never on this
// event loop); the browser only guides the user and picks the frames.
const faceAnalyzer =
  settings.faceThreads === 0 ? undefined : createFaceAnalyzer({ ...(settings.faceThreads && { threads: settings.faceThreads }) });
const pinHasher = createWorkerPinHasher(); // argon2id for PINs in worker threads, off the event loop
const twofold = createTwofold({
  store,
  pinHasher,
  rp: { id: settings.rpId, name: 'Northwind Bank', origins, ...(settings.relatedOrigins && { relatedOrigins: settings.relatedOrigins }) },
  secretKeys: loadSecretKeys({ settings, log }),
  // Only with TWOFOLD_INSECURE_NO_SECRET_KEYS=true (loadSecretKeys refuses PostgreSQL without keys otherwise).
  ...(settings.insecureNoSecretKeys && { insecureNoSecretKeys: true }),
  openRegistration: settings.openRegistration,
  codes: { linkTemplate: settings.linkTemplate ?? `${origins[0]}/#/recover?user={userId}&code={code}` },
  ...(settings.faceActions && { faceActions: settings.faceActions as FaceAction[] }),
  ...(faceAnalyzer && { faceAnalyzer }),
  ...(now && { now }),
  http: { clientAddress: clientAddressFor(settings) }, // per-address rate limits (socket, or TWOFOLD_TRUSTED_PROXIES)
  retention: settings.retention, // TWOFOLD_RETENTION_*_DAYS: how long the sweep keeps old rows
  onEvent: (e) => log(`event ${e.type} user=${e.userId ?? '-'}`), // a real bank sends notices here
});
// For scripts and tests that call the HTTP service API directly; the pages never see it.
if (settings.apiKey) await twofold.apiKeys.ensure({ name: 'TWOFOLD_API_KEY', secret: settings.apiKey });
await twofold.tokens.ready();

// 4. The routes.
bank.use('*', async (c, next) => {
  await next();
  // Only this origin may be loaded or contacted (a biometric page must not leak).
  for (const [name, value] of Object.entries(FRONT_END_HEADERS)) c.res.headers.set(name, value);
});
bank.onError((error) => {
  if (isTwofoldError(error)) return problemResponse(error.code, error.message, error.extensions);
  console.error(error);
  return problemResponse('INTERNAL', 'Something went wrong.');
});
bank.all('/api/*', (c) => twofold.handler(c.req.raw));
bank.get('/.well-known/webauthn', (c) => twofold.handler(c.req.raw)); // related origins (TWOFOLD_RELATED_ORIGINS)

// Only this site's own pages may call /bank: browsers say where a request comes from, and a
// JSON body cannot be sent cross-origin without a CORS preflight, which this server never grants.
bank.use('/bank/*', async (c, next) => {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  if ((site && site !== 'same-origin') || (origin && !origins.includes(origin))) {
    return problemResponse('UNAUTHENTICATED', 'Only the bank’s own pages can call this.');
  }
  if (c.req.method !== 'GET' && !/^application\/json\b/.test(c.req.header('content-type') ?? '')) {
    return problemResponse('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (content-type: application/json).');
  }
  await next();
});

// The customer: "View card PIN". The bank learns who is asking from their Twofold session
// token, looks the PIN up (here: makes one up) and starts a step-up transaction with it as the
// context. The PIN reaches the browser only in the answer to the customer's confirmation.
bank.post('/bank/card-pin', async (c) => {
  const token = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token) throw new TwofoldError('UNAUTHENTICATED', 'Sign in first.');
  const { userId } = await twofold.tokens.verify({ token });
  const cardPin = String(randomInt(10_000)).padStart(4, '0');
  return c.json(
    await twofold.transactions.create({ userId, message: 'Show the PIN of your card •••• 4242', context: { cardPin }, ttlSeconds: 300 }),
    201,
  );
});

// The support console. DEMO ONLY: these staff routes have no staff login — a real bank puts
// them behind its own staff authentication (and never next to the customer site).
const userId = (c: Context) => c.req.param('userId')!;
bank.post('/bank/support/users/retrieve', async (c) => c.json(await twofold.users.retrieve({ username: text(await body(c), 'username') })));
bank.get('/bank/support/users/:userId/devices', async (c) => c.json({ devices: await twofold.devices.list({ userId: userId(c) }) }));
bank.delete('/bank/support/users/:userId/devices/:deviceId', async (c) => {
  await twofold.devices.remove({ userId: userId(c), deviceId: c.req.param('deviceId') });
  return c.body(null, 204);
});
bank.post('/bank/support/users/:userId/codes', async (c) => {
  const { type, ttlSeconds, requireFace } = await body(c);
  if (type !== 'short' && type !== 'long' && type !== 'link')
    throw new TwofoldError('INVALID_REQUEST', 'type must be short, long or link.');
  if (ttlSeconds !== undefined && typeof ttlSeconds !== 'number') throw new TwofoldError('INVALID_REQUEST', 'ttlSeconds must be a number.');
  if (requireFace !== undefined && typeof requireFace !== 'boolean')
    throw new TwofoldError('INVALID_REQUEST', 'requireFace must be true or false.');
  return c.json(await twofold.codes.generate({ userId: userId(c), type, ttlSeconds, requireFace }), 201);
});
bank.post('/bank/support/users/:userId/codes/invalidate', async (c) => c.json(await twofold.codes.invalidateAll({ userId: userId(c) })));
bank.get('/bank/support/users/:userId/recovery', async (c) => c.json({ flows: await twofold.recovery.list({ userId: userId(c) }) }));
bank.post('/bank/support/users/:userId/recovery/cancel', async (c) => c.json(await twofold.recovery.cancelAll({ userId: userId(c) })));
// The new-device journey: the bank hands the recovering app the sealed client state of the
// customer's enrolled face (null without one). Opaque to the browser; only Twofold opens it.
bank.get('/bank/support/users/:userId/face-client-state', async (c) => {
  const face = (await twofold.devices.list({ userId: userId(c) })).find((d) => d.type === 'backup' || d.type === 'temporary');
  const state = face && (await twofold.face.getClientState({ userId: userId(c), deviceId: face.id }));
  return c.json({ clientState: state ? state.clientState : null });
});
bank.all('/bank/*', () => problemResponse('NOT_FOUND', 'No such bank route.'));

bank.use('*', serveStatic({ root: dist })); // the demo uses #/routes: no SPA fallback needed
app = bank;

// 5. Housekeeping (expired ceremonies, rate-limit counters, temporary face states) and a
// graceful stop.
// With several processes on one PostgreSQL, the sweep lock lets one at a time do the work.
const sweeper =
  settings.sweepIntervalSeconds > 0
    ? setInterval(() => void twofold.sweep().catch((e: unknown) => console.error('sweep failed', e)), settings.sweepIntervalSeconds * 1000)
    : undefined;
sweeper?.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    log(`Received ${signal}, shutting down...`);
    clearInterval(sweeper);
    await server.close();
    await faceAnalyzer?.close();
    await pinHasher.close();
    await store.close();
    log('Stopped.');
  });
}
log(
  `Northwind Bank demo listening on http://localhost:${server.port} (Twofold API under /api/v1, RP ID ${settings.rpId}, origins ${origins.join(', ')})`,
);

async function body(c: Context): Promise<Record<string, unknown>> {
  const value: unknown = await c.req.json().catch(() => null);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TwofoldError('INVALID_JSON', 'Send a JSON object.');
  return value as Record<string, unknown>;
}

function text(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v.trim() === '') throw new TwofoldError('INVALID_REQUEST', `${field} is required.`);
  return v;
}
