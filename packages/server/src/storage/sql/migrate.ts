import type { SqlExecutor } from '../../db/executor.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/**
 * Applies pending migrations in one transaction, under an advisory lock so that several
 * server processes starting at once against one PostgreSQL do not race.
 * @returns the versions applied by this call.
 */
export async function migrate(db: SqlExecutor, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('twofold:migrate:' || current_schema()))`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS twofold_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM twofold_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO twofold_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

// Both drivers run one statement per parameterised query; our migrations contain no
// semicolons inside literals, so splitting on `;` at line ends is enough.
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
