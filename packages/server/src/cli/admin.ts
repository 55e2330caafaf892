import { SCOPES, type Scope } from '../apikeys/index.js';
import { createTwofold, type Twofold } from '../twofold.js';
import { loadSecretKeys } from '../adapters/node/secrets.js';
import { openStore } from './serve.js';
import type { ServeSettings } from '../adapters/node/settings.js';

/** Opens the configured database, runs `task` with a Twofold instance, closes it. */
async function withTwofold<T>(settings: ServeSettings, task: (twofold: Twofold) => Promise<T>): Promise<T> {
  const { store, close } = await openStore(settings, () => {});
  try {
    const secretKeys = loadSecretKeys({ settings, log: (line) => console.error(line) });
    const twofold = createTwofold({
      store,
      rp: { id: settings.rpId, origins: settings.origins ?? [`http://localhost:${settings.port}`] },
      ...(secretKeys && { secretKeys }),
      insecureNoSecretKeys: settings.insecureNoSecretKeys,
      retention: settings.retention,
    });
    return await task(twofold);
  } finally {
    await close();
  }
}

/** `twofold api-key create --name N --scopes a,b`: prints the new secret (shown only once). */
export async function createApiKeyCommand(
  settings: ServeSettings,
  name: string | undefined,
  scopes: string[],
  log: (line: string) => void,
) {
  if (!name?.trim()) throw new Error('api-key create needs --name');
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length) {
    throw new Error(`api-key create needs --scopes from: ${SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  }
  await withTwofold(settings, async (twofold) => {
    const { apiKey, secret } = await twofold.apiKeys.create({ name: name.trim(), scopes: scopes as Scope[] });
    log(`Created API key ${apiKey.id} "${apiKey.name}" with scopes ${apiKey.scopes.join(', ')}.`);
    log('Its secret is shown once; only a hash is stored:');
    log(secret);
  });
}

/** `twofold signing-key rotate|prune`. */
export async function signingKeyCommand(settings: ServeSettings, action: string | undefined, log: (line: string) => void) {
  if (action !== 'rotate' && action !== 'prune') throw new Error('signing-key needs "rotate" or "prune"');
  await withTwofold(settings, async (twofold) => {
    if (action === 'rotate') {
      const kid = await twofold.tokens.rotateSigningKey();
      log(`New signing key ${kid} is active; the previous key keeps verifying tokens for a day.`);
    } else {
      const pruned = await twofold.tokens.pruneSigningKeys();
      log(pruned.length ? `Deleted retired keys: ${pruned.join(', ')}` : 'No retired keys old enough to delete.');
    }
  });
}

/**
 * `twofold sweep`: deletes expired rows and rows past retention until none are left, then prints
 * what it deleted. Safe beside running servers on PostgreSQL: when another process holds the
 * sweep lock it says so and exits 0.
 */
export async function sweepCommand(settings: ServeSettings, log: (line: string) => void) {
  await withTwofold(settings, async (twofold) => {
    const result = await twofold.sweepAll();
    if (!result.ran) return log('Another process is sweeping this database right now; nothing to do.');
    const parts = Object.entries(result.deleted).map(([kind, n]) => `${kind} ${n}`);
    log(`Swept: ${parts.join(', ')}.`);
  });
}
