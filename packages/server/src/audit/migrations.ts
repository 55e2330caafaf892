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
    creates: ['audit_events'],
    sql: `
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
    version: 9,
    name: 'retention-indexes',
    sql: `
-- The sweep deletes by age; these keep it from scanning whole tables.
CREATE INDEX IF NOT EXISTS audit_events_at_idx ON audit_events (at);
`,
  },
];
