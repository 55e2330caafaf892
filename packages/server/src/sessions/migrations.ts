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
    creates: ['signing_keys'],
    sql: `
CREATE TABLE signing_keys (
  kid          text PRIMARY KEY,
  alg          text NOT NULL,
  public_jwk   jsonb NOT NULL,
  private_jwk  jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  retired_at   timestamptz
);
`,
  },
  {
    version: 6,
    name: 'one-active-signing-key',
    sql: `
-- Servers started at once each created a signing key; keep the newest active (the one they sign
-- with), retire the others (they keep verifying until pruned), then allow only one active key.
UPDATE signing_keys SET retired_at = now()
WHERE retired_at IS NULL
  AND kid <> (SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC LIMIT 1);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;
`,
  },
  {
    version: 8,
    name: 'sessions',
    creates: ['sessions'],
    sql: `
-- One row per sign-in (a session token's sid), so sessions can be revoked server-side: sign-out,
-- sign out everywhere, device removal, credential reset. No foreign keys: a host may issue tokens
-- for its own user ids, and a removed device's sessions stay revoked. Swept once expired.
CREATE TABLE sessions (
  id          text PRIMARY KEY,
  user_id     text NOT NULL,
  device_id   text,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_device_live_idx ON sessions (device_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
`,
  },
];
