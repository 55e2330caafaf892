import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createKeyring, generateSealingKey, parseKeyring, type SealingKey } from '../sealing/keyring.js';
import type { ServeSettings } from './settings.js';

/**
 * The secret keys that seal secrets at rest: `TWOFOLD_SECRET_KEYS` if set; otherwise, for the
 * embedded database, a key file kept beside it (created on first start, mode 0600). With
 * PostgreSQL and no keys, secrets stay unsealed and a warning says so.
 */
export interface LoadSecretKeysOptions {
  /** `secretKeys` (TWOFOLD_SECRET_KEYS), `databaseUrl` and `dataDir` decide where the keys come from. */
  settings: Pick<ServeSettings, 'secretKeys' | 'databaseUrl' | 'dataDir'>;
  /** Where notices go (a key file created, keys missing on PostgreSQL). Default `console.log`. */
  log?: (line: string) => void;
}

export function loadSecretKeys({ settings, log = console.log }: LoadSecretKeysOptions): SealingKey[] | undefined {
  if (settings.secretKeys) {
    try {
      const keys = parseKeyring(settings.secretKeys);
      createKeyring(keys); // validates ids and lengths
      return keys;
    } catch (error) {
      throw new Error(`TWOFOLD_SECRET_KEYS: ${(error as Error).message}`);
    }
  }
  if (settings.databaseUrl) {
    log(
      'WARNING: TWOFOLD_SECRET_KEYS is not set, so private signing keys are stored unencrypted in PostgreSQL. ' +
        'Create one with `twofold secret-key generate` and set it on every server.',
    );
    return undefined;
  }
  const file = join(resolve(settings.dataDir), 'secret.key');
  if (!existsSync(file)) {
    writeFileSync(file, `${generateSealingKey()}\n`, { mode: 0o600, flag: 'wx' });
    log(`Created a secret key for the embedded database in ${file} (keep it with the data; back both up).`);
  }
  try {
    return parseKeyring(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
