import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 2,
    name: 'codes-and-rate-limits',
    creates: ['twofold_rate_limits'],
    sql: `
-- rate-limiter-flexible's table layout (RateLimiterPostgres), shared by every limiter: keys
-- carry the limiter's prefix. expire is epoch milliseconds.
CREATE TABLE twofold_rate_limits (
  key     varchar(255) PRIMARY KEY,
  points  integer NOT NULL DEFAULT 0,
  expire  bigint
);
`,
  },
];
