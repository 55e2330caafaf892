import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 5,
    name: 'recovery-flows',
    creates: ['recovery_flows'],
    sql: `
-- Multi-step recovery (credential reset, new device by face). The flow id is a bearer handle,
-- so only its SHA-256 is stored. step is the next step to do; status says whether it is over.
CREATE TABLE recovery_flows (
  id_hash           text PRIMARY KEY,
  user_id           text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind              text NOT NULL CHECK (kind IN ('credential_reset', 'new_device')),
  status            text NOT NULL CHECK (status IN ('open', 'completed', 'abandoned')),
  step              text NOT NULL CHECK (step IN ('pin', 'face', 'passkey', 'done')),
  code_id           text REFERENCES codes(id) ON DELETE CASCADE,
  staged_pin_hash   text,
  face_device_id    text,
  face_verified_at  timestamptz,
  pin_reset_at      timestamptz,
  passkey_device_id text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL
);
CREATE INDEX recovery_flows_user_idx ON recovery_flows (user_id);
`,
  },
  {
    version: 9,
    name: 'retention-indexes',
    sql: `
-- The sweep deletes by age; this keeps it from scanning the whole table.
CREATE INDEX IF NOT EXISTS recovery_flows_expires_at_idx ON recovery_flows (expires_at);
`,
  },
];
