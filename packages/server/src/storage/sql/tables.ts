/**
 * Every table the migrations create, with the version of the migration that creates it (plus
 * `twofold_migrations`, which `migrate` creates). Moving a database's tables to another schema
 * (`createPostgresStore({ moveFromSchema })`) moves exactly the tables of the migrations that
 * database has applied, so a same-named table of the host's is never taken. A new migration that
 * creates a table adds it here (a test compares this list with what the migrations create).
 */
export const TWOFOLD_TABLES: Readonly<Record<string, number>> = {
  users: 1,
  devices: 1,
  passkeys: 1,
  ceremonies: 1,
  signing_keys: 1,
  api_keys: 1,
  audit_events: 1,
  codes: 2,
  twofold_rate_limits: 2,
  pins: 3,
  transactions: 3,
  face_templates: 4,
  recovery_flows: 5,
  face_frames_seen: 7,
  sessions: 8,
  device_keys: 10,
  ceremony_uses: 11,
};

/** The table `migrate` records applied migrations in; its presence marks a schema as Twofold's. */
export const MIGRATIONS_TABLE = 'twofold_migrations';
