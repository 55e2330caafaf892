import type { Query } from '../db/query.js';
import type { SweepStore } from './store.js';

/** The sweep lock over SQL: `pg_try_advisory_xact_lock` on a key derived from the schema name. */
export function sweepSql(q: Query): SweepStore {
  return {
    async trySweepLock() {
      const { rows } = await q(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':twofold-sweep')) AS locked`);
      return rows[0]?.locked === true;
    },
  };
}
