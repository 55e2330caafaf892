import { defineModule } from '../module.js';
import { sweepSql } from './sql.js';
import { sweep, sweepAll } from './sweep.js';

/** Sweep: housekeeping that deletes what expired or outlived its retention, across the modules' tables. */
export const sweepModule = defineModule({
  name: 'sweep',
  sql: sweepSql,
  verbs: {
    /**
     * Housekeeping, one run: deletes expired ceremonies, sessions, rate-limit counters and
     * temporary face states, and recovery flows, codes, transactions and audit events past
     * `retention` — at most `batchSize` rows per table, under the sweep lock (one process at a
     * time per database; the others get `ran: false`). `twofold serve` runs it every minute.
     */
    sweep,
    /** {@link sweep} until nothing is left over (what `twofold sweep` runs). */
    sweepAll,
  },
});
