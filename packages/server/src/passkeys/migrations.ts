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
    creates: ['passkeys'],
    sql: `
CREATE TABLE passkeys (
  credential_id    text PRIMARY KEY,
  device_id        text NOT NULL UNIQUE REFERENCES devices(id) ON DELETE CASCADE,
  user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  public_key       bytea NOT NULL,
  counter          bigint NOT NULL CHECK (counter >= 0),
  transports       jsonb NOT NULL,
  aaguid           text NOT NULL,
  backup_eligible  boolean NOT NULL,
  backed_up        boolean NOT NULL
);
CREATE INDEX passkeys_user_id_idx ON passkeys (user_id);
`,
  },
];
