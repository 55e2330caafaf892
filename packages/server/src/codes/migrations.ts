import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 2,
    name: 'codes-and-rate-limits',
    creates: ['codes'],
    sql: `
CREATE TABLE codes (
  id              text PRIMARY KEY,
  user_id         text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose         text NOT NULL,
  type            text NOT NULL CHECK (type IN ('short', 'long', 'link')),
  secret_hash     text NOT NULL,
  hash_key_id     text NOT NULL,
  authorized      boolean NOT NULL,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  invalidated_at  timestamptz,
  locked_at       timestamptz,
  failed_attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX codes_user_idx ON codes (user_id, type, purpose);
`,
  },
  {
    version: 5,
    name: 'recovery-flows',
    sql: `
-- A code may demand a face check: then only a recovery flow (code + face) can redeem it.
ALTER TABLE codes ADD COLUMN require_face boolean NOT NULL DEFAULT false;
`,
  },
  {
    version: 9,
    name: 'retention-indexes',
    sql: `
-- The sweep deletes by age; this keeps it from scanning the whole table.
CREATE INDEX IF NOT EXISTS codes_expires_at_idx ON codes (expires_at);
`,
  },
];
