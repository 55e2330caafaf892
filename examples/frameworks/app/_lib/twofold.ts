/**
 * Next.js: one Twofold instance per server process, made on first use (kept on `globalThis` so
 * that dev-mode reloads reuse it). The API is served by `app/api/twofold/[...path]/route.ts`, so
 * its base path is `/api/twofold`. Without a socket to read, the client address comes from your
 * platform's proxy header (`x-forwarded-for`, one proxy in front: Vercel, a load balancer).
 */
import { createTwofold, type Store, type Twofold } from '@twofold/server';
import { forwardedClientAddress } from '@twofold/server';
import { createPGliteStore } from '@twofold/server/pglite';

const g = globalThis as typeof globalThis & { twofold?: Promise<{ twofold: Twofold; store: Store }> };

async function create() {
  // In production: createPostgresStore({ connectionString: process.env.DATABASE_URL }) and secretKeys.
  const store = await createPGliteStore(process.env.TWOFOLD_DATA_DIR ? { dataDir: process.env.TWOFOLD_DATA_DIR } : {});
  const twofold = createTwofold({
    store,
    rp: {
      id: process.env.TWOFOLD_RP_ID ?? 'localhost',
      name: 'Twofold on Next.js',
      origins: [process.env.TWOFOLD_ORIGIN ?? 'http://localhost:3000'],
    },
    openRegistration: true,
    http: { basePath: '/api/twofold', clientAddress: forwardedClientAddress({ hops: 1 }) },
  });
  return { twofold, store };
}

/** The process's Twofold instance. */
export async function getTwofold(): Promise<Twofold> {
  return (await (g.twofold ??= create())).twofold;
}

/** Closes its database (graceful shutdown, tests). */
export async function closeTwofold(): Promise<void> {
  const made = g.twofold;
  g.twofold = undefined;
  if (made) await (await made).store.close();
}
