import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 3,
    name: 'pins-and-transactions',
    creates: ['transactions'],
    sql: `
CREATE TABLE transactions (
  id              text PRIMARY KEY,
  user_id         text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  message         text NOT NULL,
  sealed_context  text,
  allow_pin       boolean NOT NULL,
  nonce           text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  method          text,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  decided_at      timestamptz
);
CREATE INDEX transactions_user_idx ON transactions (user_id, created_at);
`,
  },
  {
    version: 9,
    name: 'retention-indexes',
    sql: `
-- The sweep deletes by age; this keeps it from scanning the whole table.
CREATE INDEX IF NOT EXISTS transactions_expires_at_idx ON transactions (expires_at);
`,
  },
];
