import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 10,
    name: 'device-keys',
    creates: ['device_keys'],
    sql: `
-- Device binding: the public half of a browser's non-extractable device key (ECDSA P-256),
-- bound to the passkey device that signed in there. PIN checks and credential-reset starts need
-- a signature by one of the user's keys. Removing the device removes its keys.
CREATE TABLE device_keys (
  key_id        text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_id     text NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  public_jwk    jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz
);
CREATE INDEX device_keys_user_idx ON device_keys (user_id);
CREATE INDEX device_keys_device_idx ON device_keys (device_id);
`,
  },
  {
    version: 12,
    name: 'device-keys-bound-at',
    sql: `
-- When a device key was last bound (the client binds its key again after every passkey sign-in):
-- a device keeps its most recently bound or used keys, so re-binding must count as use.
ALTER TABLE device_keys ADD COLUMN bound_at timestamptz;
UPDATE device_keys SET bound_at = created_at;
ALTER TABLE device_keys ALTER COLUMN bound_at SET NOT NULL;
`,
  },
];
