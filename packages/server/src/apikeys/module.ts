import { defineModule } from '../module.js';
import { authenticateApiKey, createApiKey, ensureApiKey, removeApiKey } from './apikeys.js';
import { migrations } from './migrations.js';
import { apiKeysSql } from './sql.js';

/** API keys: the host backend's scoped keys for the service routes. */
export const apiKeysModule = defineModule({
  name: 'apikeys',
  migrations,
  sql: apiKeysSql,
  verbs: {
    apiKeys: {
      create: createApiKey,
      /** Makes sure a key with exactly this secret and every scope exists (idempotent). */
      ensure: ensureApiKey,
      /** The key a secret belongs to, or null. */
      authenticate: authenticateApiKey,
      remove: removeApiKey,
    },
  },
});
