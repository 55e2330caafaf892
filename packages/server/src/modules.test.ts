import { describe, expect, expectTypeOf, it } from 'vitest';
import { MODULES, type ModuleSlices } from './modules.js';
import { joinMigrations, MIGRATIONS } from './storage/sql/migrations.js';
import type { Store } from './store.js';

describe('the module list', () => {
  it('is the storage contract: the modules’ slices are exactly the Store’s (a slice missing on either side fails)', () => {
    type Contract = Omit<Store, 'transaction' | 'close' | 'embedded'>;
    expectTypeOf<{ [K in keyof ModuleSlices]: ModuleSlices[K] }>().toEqualTypeOf<{ [K in keyof Contract]: Contract[K] }>();
  });

  it('names each module once, after its folder', () => {
    const names = MODULES.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+$/);
  });

  it('gives each table one owner', () => {
    const created = MODULES.flatMap((m) => (m.migrations ?? []).flatMap((p) => p.creates ?? []));
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created).size).toBe(created.length);
  });

  it('joins into migrations 1, 2, 3, … with one name each', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    // Version 1 is split over seven modules; users come first (the others reference them).
    expect(MIGRATIONS[0]!.sql.indexOf('CREATE TABLE users')).toBeLessThan(MIGRATIONS[0]!.sql.indexOf('CREATE TABLE devices'));
  });
});

describe('joinMigrations', () => {
  const part = (version: number, name: string, sql = `SELECT ${version};\n`) => ({ version, name, sql });

  it('joins the parts of one version in module order', () => {
    const joined = joinMigrations([
      { name: 'a', migrations: [part(1, 'one', 'A;\n'), part(2, 'two')] },
      { name: 'b', migrations: [part(1, 'one', 'B;\n')] },
    ]);
    expect(joined).toEqual([
      { version: 1, name: 'one', sql: 'A;\nB;\n' },
      { version: 2, name: 'two', sql: 'SELECT 2;\n' },
    ]);
  });

  it('refuses a gap in the versions', () => {
    expect(() => joinMigrations([{ name: 'a', migrations: [part(1, 'one'), part(3, 'three')] }])).toThrow(/missing 2/);
  });

  it('refuses two names for one version', () => {
    expect(() =>
      joinMigrations([
        { name: 'a', migrations: [part(1, 'one')] },
        { name: 'b', migrations: [part(1, 'uno')] },
      ]),
    ).toThrow(/module b calls it "uno"/);
  });
});
