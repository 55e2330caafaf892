/**
 * The one SQL schema, shared by every adapter, as ordered migrations. Append only: never edit
 * a migration that has shipped; add a new one. `version` must increase by one each time.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL,
  display_name  text NOT NULL,
  created_at    timestamptz NOT NULL,
  CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE devices (
  id            text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type          text NOT NULL CHECK (type IN ('passkey', 'backup', 'temporary')),
  name          text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz
);
CREATE INDEX devices_user_id_idx ON devices (user_id);

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

-- UNLOGGED: challenges live for minutes; skipping the WAL makes issuing and consuming them
-- cheap, and a crash merely empties the table (pending ceremonies are started again).
CREATE UNLOGGED TABLE ceremonies (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  challenge   text NOT NULL,
  user_id     text,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX ceremonies_expires_at_idx ON ceremonies (expires_at);

CREATE TABLE signing_keys (
  kid          text PRIMARY KEY,
  alg          text NOT NULL,
  public_jwk   jsonb NOT NULL,
  private_jwk  jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  retired_at   timestamptz
);

CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  secret_hash  text NOT NULL,
  scopes       jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash)
);

CREATE TABLE audit_events (
  seq        bigserial PRIMARY KEY,
  id         text NOT NULL UNIQUE,
  type       text NOT NULL,
  at         timestamptz NOT NULL,
  user_id    text,
  device_id  text,
  actor      text NOT NULL,
  data       jsonb NOT NULL
);
CREATE INDEX audit_events_user_id_idx ON audit_events (user_id, seq);
`,
  },
  {
    version: 2,
    name: 'codes-and-rate-limits',
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

-- rate-limiter-flexible's table layout (RateLimiterPostgres), shared by every limiter: keys
-- carry the limiter's prefix. expire is epoch milliseconds.
CREATE TABLE twofold_rate_limits (
  key     varchar(255) PRIMARY KEY,
  points  integer NOT NULL DEFAULT 0,
  expire  bigint
);
`,
  },
  {
    version: 3,
    name: 'pins-and-transactions',
    sql: `
CREATE TABLE pins (
  user_id          text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  hash             text NOT NULL,
  failed_attempts  integer NOT NULL DEFAULT 0,
  locked_at        timestamptz,
  updated_at       timestamptz NOT NULL
);

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
    version: 4,
    name: 'face-templates',
    sql: `
CREATE TABLE face_templates (
  device_id   text PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sealed      text NOT NULL,
  expires_at  timestamptz,
  used_at     timestamptz
);
CREATE INDEX face_templates_user_idx ON face_templates (user_id);
`,
  },
  {
    version: 5,
    name: 'recovery-flows',
    sql: `
-- A code may demand a face check: then only a recovery flow (code + face) can redeem it.
ALTER TABLE codes ADD COLUMN require_face boolean NOT NULL DEFAULT false;

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
    version: 7,
    name: 'face-frames-seen',
    sql: `
-- Keyed fingerprints (HMAC-SHA256) of the evidence frames face checks received: a real camera
-- never delivers the same bytes twice, so a frame seen before is a replay. Only the MAC is kept
-- (never an image or anything biometric); rows are swept after 30 days. No foreign key: checks
-- for an id that is no user's are remembered alike (else a repeat would tell them apart).
CREATE TABLE face_frames_seen (
  fingerprint text PRIMARY KEY,
  user_id     text NOT NULL,
  seen_at     timestamptz NOT NULL
);
CREATE INDEX face_frames_seen_at_idx ON face_frames_seen (seen_at);
`,
  },
  {
    version: 8,
    name: 'sessions',
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
  {
    version: 9,
    name: 'retention-indexes',
    sql: `
-- The sweep deletes by age; these keep it from scanning whole tables.
CREATE INDEX IF NOT EXISTS audit_events_at_idx ON audit_events (at);
CREATE INDEX IF NOT EXISTS codes_expires_at_idx ON codes (expires_at);
CREATE INDEX IF NOT EXISTS transactions_expires_at_idx ON transactions (expires_at);
CREATE INDEX IF NOT EXISTS recovery_flows_expires_at_idx ON recovery_flows (expires_at);
`,
  },
  {
    version: 10,
    name: 'device-keys',
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
    version: 11,
    name: 'ceremony-uses',
    sql: `
-- Single use of stateless sign-in ceremonies (issue 16): starting one stores nothing (its id is
-- MAC'd by the server's secret key), so using one inserts its marker here, in the sign-in's own
-- durable statement; a second use finds the marker and is refused. Logged, unlike ceremonies: a
-- crash must not reopen an assertion for replay. Swept once expired.
CREATE TABLE ceremony_uses (
  id          text PRIMARY KEY,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX ceremony_uses_expires_at_idx ON ceremony_uses (expires_at);
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
