import type { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from '../../src/db/executor.js';

/** A {@link SqlExecutor} over a PGlite database (as the PGlite store makes inside), for migrating one by hand. */
export function pgliteExecutor(db: PGlite): SqlExecutor {
  const over = (q: Pick<PGlite, 'query'>, inTransaction: boolean): SqlExecutor => ({
    inTransaction,
    query: async <T>(text: string, values: unknown[] = []) => {
      const r = await q.query<T>(text, values);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    transaction: (fn) => (inTransaction ? fn(over(q, true)) : db.transaction((tx) => fn(over(tx, true)))),
    close: () => db.close(),
  });
  return over(db, false);
}
