import { runStoreConformance } from '@twofold/testing/conformance';
import { StoreConflictError } from '../../src/storage/index.js';
import { createPGliteStore } from '../../src/storage/pglite.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

runStoreConformance({
  name: 'PGlite (in memory)',
  StoreConflictError,
  createStore: () => createPGliteStore(),
  cleanup: (store) => store.close(),
});

it('PGlite data directory keeps data across reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'twofold-pglite-'));
  try {
    const first = await createPGliteStore({ dataDir: dir });
    await first.insertUser({ id: 'u1', username: 'kept', displayName: 'Kept', createdAt: new Date() });
    await first.close();
    const second = await createPGliteStore({ dataDir: dir });
    expect((await second.getUserByUsername('kept'))?.id).toBe('u1');
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
