import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { clientAddressFor, createWorkerPinHasher, FRONT_END_HEADERS, serve } from '../adapters/node/index.js';
import { createFaceAnalyzer, FACE_INSTALL_COMMAND, missingFacePeers } from '../adapters/face/index.js';
import type { FaceAction } from '@twofold/protocol';
import { createWebhookNotifier } from '../webhooks/webhooks.js';
import type { AuditEvent } from '../audit/index.js';
import { problemResponse } from '../http/problem.js';
import type { Store } from '../store.js';
import { createTwofold } from '../twofold.js';
import { loadSecretKeys, requireSecretKeys } from '../adapters/node/secrets.js';
import type { ServeSettings } from '../adapters/node/settings.js';

export interface RunningServer {
  port: number;
  url: string;
  close: () => Promise<void>;
}

/**
 * Starts the standalone server: store, Twofold instance, API under `/api/v1`, the static demo
 * at `/`. Rejects with a readable message on bad settings, an unreachable database or a taken port.
 */
export async function startServer(settings: ServeSettings, log: (line: string) => void = console.log): Promise<RunningServer> {
  requireSecretKeys(settings);
  if (settings.testClock) {
    // Test code is not shipped in @twofold/server: a test host mounts the clock itself.
    throw new Error(
      'TWOFOLD_UNSAFE_TEST_CLOCK: twofold serve has no test clock; a test host mounts one with mountTestClock() from @twofold/testing/clock, as demo/server.ts does.',
    );
  }
  const faceOn = faceChecksOn(settings, log);
  const { store, close: closeStore } = await openStore(settings, log);
  // Listen first, so that with PORT=0 the default origin names the port actually bound.
  let twofoldHandler: ((req: Request) => Promise<Response>) | null = null;
  const app = new Hono();
  // Readiness for load balancers and orchestrators: 200 once started and the database answers;
  // 503 problem+json (NOT_CONFIGURED while starting, STORE_UNAVAILABLE while the database is
  // unreachable) otherwise. Outside /api so it never collides with the API or its rate limits.
  app.get('/healthz', async () => {
    if (!twofoldHandler) return problemResponse('NOT_CONFIGURED', 'The server is starting; try again in a moment.');
    try {
      await store.getUserById('healthz'); // one indexed read: the cheapest proof the database answers
      return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
    } catch {
      return problemResponse('STORE_UNAVAILABLE', 'The database cannot be reached right now.', { retryAfterSeconds: 1 });
    }
  });
  const toTwofold = (c: { req: { raw: Request } }) =>
    twofoldHandler ? twofoldHandler(c.req.raw) : problemResponse('NOT_CONFIGURED', 'The server is starting; try again in a moment.');
  app.all('/api/*', toTwofold);
  app.get('/.well-known/webauthn', toTwofold); // related origins (TWOFOLD_RELATED_ORIGINS)
  if (settings.staticDir) {
    const root = resolve(settings.staticDir);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      await closeStore();
      throw new Error(`Static directory ${root} does not exist. Build the demo first (pnpm build:demo).`);
    }
    const rel = relative(process.cwd(), root) || '.';
    app.use('*', async (c, next) => {
      await next();
      for (const [name, value] of Object.entries(FRONT_END_HEADERS)) c.res.headers.set(name, value);
    });
    app.use('*', serveStatic({ root: rel }));
    app.get('*', serveStatic({ root: rel, path: 'index.html' }));
  } else {
    app.get('/', (c) => c.text('Twofold API server. The API is under /api/v1.\n'));
  }

  let running;
  try {
    running = await serve({ handler: app.fetch, port: settings.port, ...(settings.host && { hostname: settings.host }) });
  } catch (error) {
    await closeStore();
    throw error;
  }
  const origins = settings.origins ?? [`http://localhost:${running.port}`];
  const linkTemplate = settings.linkTemplate ?? (settings.staticDir ? `${origins[0]}/#/recover?user={userId}&code={code}` : undefined);
  const webhook =
    settings.webhookUrl && settings.webhookSecret
      ? createWebhookNotifier({
          url: settings.webhookUrl,
          secret: settings.webhookSecret,
          onFailure: (e, error) => log(`webhook: could not deliver ${e.type} ${e.id}: ${String(error)}`),
        })
      : undefined;
  // Face checks run in worker threads (models load there at start, off this event loop).
  const faceAnalyzer = faceOn ? createFaceAnalyzer({ ...(settings.faceThreads && { threads: settings.faceThreads }) }) : undefined;
  // argon2id (PINs) in worker threads, so a burst of PIN checks never stalls the event loop.
  const pinHasher = createWorkerPinHasher();
  let twofold;
  try {
    const secretKeys = loadSecretKeys({ settings, log });
    twofold = createTwofold({
      store,
      pinHasher,
      rp: { id: settings.rpId, name: 'Twofold', origins, ...(settings.relatedOrigins && { relatedOrigins: settings.relatedOrigins }) },
      ...(secretKeys && { secretKeys }),
      insecureNoSecretKeys: settings.insecureNoSecretKeys, // checked by requireSecretKeys above
      codes: { ...(linkTemplate && { linkTemplate }) },
      ...(settings.faceActions && { faceActions: settings.faceActions as FaceAction[] }),
      ...(faceAnalyzer && { faceAnalyzer }),
      http: { clientAddress: clientAddressFor(settings) },
      retention: settings.retention,
      openRegistration: settings.openRegistration,
      onEvent: (e: AuditEvent) => {
        log(`event ${e.type} user=${e.userId ?? '-'} device=${e.deviceId ?? '-'}`);
        void webhook?.(e);
      },
    });
    if (settings.apiKey) await twofold.apiKeys.ensure({ name: 'TWOFOLD_API_KEY', secret: settings.apiKey });
    await twofold.tokens.ready(); // first signing key now, and a wrong secret key fails here
  } catch (error) {
    await running.close();
    await faceAnalyzer?.close();
    await pinHasher.close();
    await closeStore();
    throw error;
  }
  twofoldHandler = twofold.handler;
  // Every process sweeps on its interval; the sweep lock lets one at a time do the work.
  const sweeper =
    settings.sweepIntervalSeconds > 0
      ? setInterval(
          () => void twofold.sweep().catch((e: unknown) => log(`sweep failed: ${String(e)}`)),
          settings.sweepIntervalSeconds * 1000,
        )
      : undefined;
  sweeper?.unref();
  const url = `http://localhost:${running.port}`;
  log(`Twofold listening on ${url} (API ${url}/api/v1, RP ID ${settings.rpId}, origins ${origins.join(', ')})`);
  return {
    port: running.port,
    url,
    close: async () => {
      clearInterval(sweeper);
      await running.close();
      await faceAnalyzer?.close();
      await pinHasher.close();
      await closeStore();
    },
  };
}

/** The store, and how to close it (and release whatever else holds it). */
export async function openStore(
  settings: ServeSettings,
  log: (line: string) => void,
): Promise<{ store: Store; close: () => Promise<void> }> {
  if (settings.databaseUrl) {
    const where = describeUrl(settings.databaseUrl);
    const { createPostgresStore, LegacySchemaError } = await loadStore('postgres');
    try {
      const store = await createPostgresStore({
        connectionString: settings.databaseUrl,
        ...(settings.databaseSchema && { schema: settings.databaseSchema }),
        ...(settings.moveFromSchema && { moveFromSchema: settings.moveFromSchema }),
      });
      log(`Database: PostgreSQL at ${where}${settings.databaseSchema ? `, schema ${settings.databaseSchema}` : ''}`);
      return { store, close: () => store.close() };
    } catch (error) {
      if (error instanceof LegacySchemaError) {
        throw new Error(
          `Cannot use DATABASE_URL (${where}): Twofold's tables are in schema "${error.foundIn}" (where earlier versions kept them), but it now uses schema "${error.schema}", which has none; refusing to start on an empty database beside your data. ` +
            `Either keep them where they are: TWOFOLD_DATABASE_SCHEMA=${error.foundIn}, or move them once, in one transaction (stop servers of the previous version first): TWOFOLD_MOVE_FROM_SCHEMA=${error.foundIn}.`,
        );
      }
      // A STORE_UNAVAILABLE error keeps the driver's own words (ECONNREFUSED, ...) in its cause.
      const e = error as Error;
      const reason = (e.cause instanceof Error && e.cause.message) || e.message || String(error);
      throw new Error(`Cannot use DATABASE_URL (${where}): ${reason}`);
    }
  }
  const { createPGliteStore } = await loadStore('pglite');
  const dir = resolve(settings.dataDir);
  const fresh = !existsSync(dir);
  // Only the server's user may read the database and its key file.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (fresh) chmodSync(dir, 0o700); // whatever the umask
  const unlock = lockDataDir(dir);
  if (fresh) log(`Creating the embedded database in ${dir} (first start takes a few seconds)...`);
  try {
    const store = await createPGliteStore({ dataDir: dir });
    log(`Database: embedded PGlite in ${dir}`);
    return {
      store,
      close: async () => {
        try {
          await store.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw new Error(`Cannot open the embedded database in ${dir}: ${(error as Error).message}`);
  }
}

/**
 * PGlite is one process's database: a second server on the same directory would corrupt it.
 * A pid file refuses that; a stale one (its process is gone) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, 'twofold.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `Another Twofold server (pid ${pid}) is using the embedded database in ${dir}. Stop it, or use another TWOFOLD_DATA_DIR (or DATABASE_URL for several servers).`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Cannot lock ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Shows host:port/db of a URL without its password.
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * A store engine's module, loaded when it is used: its driver (`pg`, `@electric-sql/pglite`) is
 * an optional peer of `@twofold/server` — a team installs the one it picks.
 */
async function loadStore(engine: 'postgres'): Promise<typeof import('../storage/postgres.js')>;
async function loadStore(engine: 'pglite'): Promise<typeof import('../storage/pglite.js')>;
async function loadStore(engine: 'postgres' | 'pglite') {
  const driver = engine === 'postgres' ? 'pg' : '@electric-sql/pglite';
  try {
    return engine === 'postgres' ? await import('../storage/postgres.js') : await import('../storage/pglite.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(`'${driver}'`))
      throw error;
    throw new Error(
      engine === 'postgres'
        ? 'Cannot use DATABASE_URL: pg (an optional peer of @twofold/server) is not installed. Install it: npm install pg@8'
        : 'Cannot open the embedded database: @electric-sql/pglite (an optional peer of @twofold/server) is not installed. Install it (npm install @electric-sql/pglite@0.5.16), or set DATABASE_URL to use PostgreSQL.',
      { cause: error },
    );
  }
}

/**
 * Whether `twofold serve` runs face checks: not with TWOFOLD_FACE_THREADS=0. The face stack is an
 * optional peer: when it is not installed and face threads were not asked for, the server runs
 * without face checks (the face routes answer 503 NOT_CONFIGURED) and says how to add them; when
 * they were asked for, it refuses to start, naming the install command (before anything opens).
 */
function faceChecksOn(settings: ServeSettings, log: (line: string) => void): boolean {
  if (settings.faceThreads === 0) return false;
  const missing = missingFacePeers();
  if (missing.length === 0) return true;
  if (settings.faceThreads !== undefined)
    throw new Error(
      `TWOFOLD_FACE_THREADS needs the face stack, which is not installed (missing: ${missing.join(', ')}): ${FACE_INSTALL_COMMAND}`,
    );
  log(`Face checks: off, the face stack is not installed (${FACE_INSTALL_COMMAND}); the face routes answer 503 NOT_CONFIGURED.`);
  return false;
}
