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
    creates: ['users'],
    sql: `
CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL,
  display_name  text NOT NULL,
  created_at    timestamptz NOT NULL,
  CONSTRAINT users_username_key UNIQUE (username)
);
`,
  },
];
