import { runStoreConformance } from '@twofold/testing/conformance';
import { describe } from 'vitest';
import { StoreConflictError } from '../../src/storage/index.js';
import { createTestPostgresStore, postgresAvailable } from '../helpers/postgres.js';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL', () => {
  let drop: (() => Promise<void>) | undefined;
  runStoreConformance({
    name: 'PostgreSQL (pg)',
    StoreConflictError,
    async createStore() {
      const created = await createTestPostgresStore();
      drop = created.drop;
      return created.store;
    },
    cleanup: async () => drop?.(),
  });
});
