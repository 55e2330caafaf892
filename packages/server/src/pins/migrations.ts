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
    creates: ['pins'],
    sql: `
CREATE TABLE pins (
  user_id          text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  hash             text NOT NULL,
  failed_attempts  integer NOT NULL DEFAULT 0,
  locked_at        timestamptz,
  updated_at       timestamptz NOT NULL
);
`,
  },
];
