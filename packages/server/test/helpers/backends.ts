import { createPGliteStore } from '../../src/storage/pglite.js';
import type { Store } from '../../src/store.js';
import { createTestPostgresStore, postgresAvailable } from './postgres.js';

export type Backend = [name: string, open: () => Promise<{ store: Store; close: () => Promise<void> }>];

/**
 * The adapters API tests run on, for `describe.each`: PGlite always, PostgreSQL when it answers
 * (it skips loudly when absent, and never under CI=true).
 */
export async function storeBackends(): Promise<Backend[]> {
  const pglite: Backend = [
    'PGlite',
    async () => {
      const store = await createPGliteStore();
      return { store, close: () => store.close() };
    },
  ];
  const postgres: Backend = [
    'PostgreSQL',
    async () => {
      const { store, drop } = await createTestPostgresStore();
      return { store, close: drop };
    },
  ];
  return (await postgresAvailable()) ? [pglite, postgres] : [pglite];
}
