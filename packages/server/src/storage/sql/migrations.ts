import type { MigrationPart } from '../../module.js';
import { MODULES } from '../../modules.js';

/**
 * One schema migration: the parts of one version from every module that has one (see
 * {@link MigrationPart}), run in one transaction. Modules own their tables (`<module>/migrations.ts`);
 * the database records applied versions in `twofold_migrations`.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Joins modules' migration parts into the schema's migrations: parts of one version, in module
 * order. Throws on a gap in the versions or two names for one version (a module's mistake, caught
 * as the server loads).
 */
export function joinMigrations(modules: readonly { name: string; migrations?: readonly MigrationPart[] }[]): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const module of modules) {
    for (const part of module.migrations ?? []) {
      const joined = byVersion.get(part.version);
      if (!joined) byVersion.set(part.version, { version: part.version, name: part.name, sql: part.sql });
      else if (joined.name !== part.name) {
        throw new Error(`migration ${part.version} is named "${joined.name}", but module ${module.name} calls it "${part.name}"`);
      } else joined.sql += part.sql;
    }
  }
  const migrations = [...byVersion.values()].sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration versions must run 1, 2, 3, … without gaps; missing ${i + 1}`);
  });
  return migrations;
}

/** The schema's migrations, from every module's parts. Append only (see {@link MigrationPart}). */
export const MIGRATIONS: readonly Migration[] = joinMigrations(MODULES);

/**
 * Every table the migrations create, with the version of the migration that creates it (plus
 * `twofold_migrations`, which `migrate` creates, not listed). Moving a database's tables to another schema
 * (`createPostgresStore({ moveFromSchema })`) moves exactly the tables of the migrations that
 * database has applied, so a same-named table of the host's is never taken.
 */
export const TWOFOLD_TABLES: Readonly<Record<string, number>> = Object.fromEntries(
  MODULES.flatMap((m) => (m.migrations ?? []).flatMap((part) => (part.creates ?? []).map((table) => [table, part.version]))),
);

/** The table `migrate` records applied migrations in; its presence marks a schema as Twofold's. */
export const MIGRATIONS_TABLE = 'twofold_migrations';
