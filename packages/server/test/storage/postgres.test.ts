import { describe } from 'vitest';
import { createTestPostgresStore, postgresAvailable } from '../helpers/postgres.js';
import { describeStoreConformance } from './conformance.js';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL', () => {
  describeStoreConformance('PostgreSQL (pg)', async () => {
    const { store, drop } = await createTestPostgresStore();
    return { store, close: drop };
  });
});
