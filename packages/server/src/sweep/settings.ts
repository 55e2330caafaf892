/** How long rows are kept after they stop mattering, in days; see {@link DEFAULT_RETENTION}. */
export interface RetentionSettings {
  /** Audit events (the activity view, support's trail), counted from when they happened. */
  auditEventsDays: number;
  /** Transactions, counted from their expiry: a backend reads the outcome before then. */
  transactionsDays: number;
  /** Recovery flows (support's list), counted from their expiry. */
  recoveryFlowsDays: number;
  /** Pre-authorized codes, counted from their expiry (a flow that still names one goes with it). */
  codesDays: number;
}

/**
 * Defaults: audit events a year, the rest 30 days. Expired ceremonies, sessions, rate-limit
 * counters and temporary face states go at the first sweep after they expire. Retention is by
 * age only, never by count, so nobody can push rows out by creating more of them.
 */
export const DEFAULT_RETENTION: RetentionSettings = { auditEventsDays: 365, transactionsDays: 30, recoveryFlowsDays: 30, codesDays: 30 };

/** Checks retention settings: each a number of days ≥ 0 (`Infinity` keeps rows forever). Throws a TypeError. */
export function checkRetention(retention: RetentionSettings): RetentionSettings {
  for (const [name, days] of Object.entries(retention)) {
    if (typeof days !== 'number' || !(days >= 0))
      throw new TypeError(`retention.${name} must be a number of days ≥ 0 (Infinity keeps rows forever), got ${String(days)}`);
  }
  return retention;
}
