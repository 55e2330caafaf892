import { afterAll, beforeAll } from 'vitest';
import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/store.js';
import { createTestPostgresStore, postgresAvailable } from './postgres.js';

/** Opens a fresh store; `close` closes it (and drops what it made). */
export type OpenStore = () => Promise<{ store: Store; close: () => Promise<void> }>;
export type Backend = [name: string, open: OpenStore];

/** A fresh in-memory PGlite store. */
export const openPGlite: OpenStore = async () => {
  const store = await createPGliteStore();
  return { store, close: () => store.close() };
};

/**
 * The adapters API tests run on, for `describe.each`: PGlite always, PostgreSQL when it answers
 * (it skips loudly when absent, and never under CI=true).
 */
export async function storeBackends(): Promise<Backend[]> {
  const pglite: Backend = ['PGlite', openPGlite];
  const postgres: Backend = [
    'PostgreSQL',
    async () => {
      const { store, drop } = await createTestPostgresStore();
      return { store, close: drop };
    },
  ];
  return (await postgresAvailable()) ? [pglite, postgres] : [pglite];
}

/**
 * One store for the enclosing suite (or file): `beforeAll` opens it with `open`, `afterAll` closes
 * it. Read `.store` in hooks and tests, once the suite has started.
 */
export function useStore(open: OpenStore): { readonly store: Store } {
  let opened: Awaited<ReturnType<OpenStore>> | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(() => opened?.close());
  return {
    get store() {
      if (!opened) throw new Error('useStore: the store opens in beforeAll; read it in a hook or a test');
      return opened.store;
    },
  };
}
