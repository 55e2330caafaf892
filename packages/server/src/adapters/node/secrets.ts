import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createKeyring, generateSealingKey, parseKeyring, type SealingKey } from '../../sealing/keyring.js';
import type { ServeSettings } from './settings.js';

/**
 * The secret keys that seal secrets at rest: `TWOFOLD_SECRET_KEYS` if set; otherwise, for the
 * embedded database, a key file kept beside it (created on first start, mode 0600; a looser
 * mode is tightened). On PostgreSQL without keys it refuses to start, unless
 * `insecureNoSecretKeys` (TWOFOLD_INSECURE_NO_SECRET_KEYS=true, development only) is set.
 */
export interface LoadSecretKeysOptions {
  /** `secretKeys` (TWOFOLD_SECRET_KEYS), `databaseUrl` and `dataDir` decide where the keys come from. */
  settings: Pick<ServeSettings, 'secretKeys' | 'databaseUrl' | 'dataDir'> & Partial<Pick<ServeSettings, 'insecureNoSecretKeys'>>;
  /** Where notices go (a key file created, keys missing on PostgreSQL). Default `console.log`. */
  log?: (line: string) => void;
}

/**
 * Throws unless secret keys are configured or the insecure development flag is set, for
 * PostgreSQL (the embedded database has its key file). Checked before anything connects.
 */
export function requireSecretKeys(settings: LoadSecretKeysOptions['settings']): void {
  if (settings.databaseUrl && !settings.secretKeys && !settings.insecureNoSecretKeys) {
    throw new Error(
      'TWOFOLD_SECRET_KEYS is required with DATABASE_URL: without it signing keys would be stored unencrypted and short codes unkeyed. ' +
        'Create one with `twofold secret-key generate` and set it on every server (for local development only: TWOFOLD_INSECURE_NO_SECRET_KEYS=true).',
    );
  }
}

/** The secret keys for `settings` (see {@link LoadSecretKeysOptions}). */
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
    requireSecretKeys(settings);
    log(
      'WARNING (TWOFOLD_INSECURE_NO_SECRET_KEYS): private signing keys are stored unencrypted in PostgreSQL and short codes unkeyed. ' +
        'Development only: create a key with `twofold secret-key generate`.',
    );
    return undefined;
  }
  const file = join(resolve(settings.dataDir), 'secret.key');
  if (!existsSync(file)) {
    writeFileSync(file, `${generateSealingKey()}\n`, { mode: 0o600, flag: 'wx' });
    log(`Created a secret key for the embedded database in ${file} (keep it with the data; back both up).`);
  } else if ((statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    log(`Tightened ${file} to mode 0600 (it was readable by others).`);
  }
  try {
    return parseKeyring(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
