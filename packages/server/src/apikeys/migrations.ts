import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 1,
    name: 'foundation',
    creates: ['api_keys'],
    sql: `
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  secret_hash  text NOT NULL,
  scopes       jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash)
);
`,
  },
];
