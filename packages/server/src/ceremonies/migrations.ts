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
    creates: ['ceremonies'],
    sql: `
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
`,
  },
  {
    version: 11,
    name: 'ceremony-uses',
    creates: ['ceremony_uses'],
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
];
