import type { TwofoldContext } from '../context.js';
import { FRAME_MEMORY_DAYS } from '../face/index.js';

export { checkRetention, DEFAULT_RETENTION, type RetentionSettings } from './settings.js';

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Rows deleted per table per run, at most (bounded work per transaction). Default 5,000. */
  batchSize?: number;
}

/** What one {@link sweep} run did. */
export interface SweepResult {
  /** False when another process held the sweep lock: this run deleted nothing. */
  ran: boolean;
  /** Rows deleted, per kind. */
  deleted: {
    ceremonies: number;
    faceStates: number;
    /** Frame fingerprints older than the replay memory (30 days). */
    faceFrames: number;
    rateLimits: number;
    sessions: number;
    recoveryFlows: number;
    codes: number;
    transactions: number;
    auditEvents: number;
  };
  /** Some table had more than `batchSize` rows to delete: run again (the CLI does). */
  more: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what expired or outlived its retention, in one transaction holding the sweep lock, so
 * among many server processes on one database one sweeps at a time and the others skip
 * (`ran: false`). Expired ceremonies, temporary face states, face-frame fingerprints past the
 * replay memory, rate-limit counters and sessions go
 * at once; recovery flows, codes, transactions and audit events after `retention`.
 */
export async function sweep(ctx: TwofoldContext, options: SweepOptions = {}): Promise<SweepResult> {
  const batch = Math.floor(options.batchSize ?? 5_000);
  if (!(batch >= 1)) throw new TypeError(`sweep: batchSize must be ≥ 1, got ${options.batchSize}`);
  const now = ctx.now();
  const before = (days: number) => (Number.isFinite(days) ? new Date(now.getTime() - days * DAY_MS) : null);
  const r = ctx.retention;
  const result = await ctx.store.transaction(async (tx) => {
    if (!(await tx.trySweepLock())) return null;
    const aged = async (days: number, del: (cutoff: Date) => Promise<number>) => {
      const cutoff = before(days);
      return cutoff ? del(cutoff) : 0;
    };
    return {
      ceremonies: await tx.deleteExpiredCeremonies(now),
      faceStates: await tx.deleteExpiredFaceDevices(now),
      faceFrames: await tx.forgetFaceFrames(new Date(now.getTime() - FRAME_MEMORY_DAYS * DAY_MS)),
      // rate-limiter-flexible keeps its expiry in wall-clock milliseconds, not the instance clock.
      rateLimits: await tx.deleteExpiredRateLimits(new Date()),
      sessions: await tx.deleteExpiredSessions(now, batch),
      recoveryFlows: await aged(r.recoveryFlowsDays, (c) => tx.deleteExpiredRecoveryFlows(c, batch)),
      codes: await aged(r.codesDays, (c) => tx.deleteExpiredCodes(c, batch)),
      transactions: await aged(r.transactionsDays, (c) => tx.deleteExpiredTransactions(c, batch)),
      auditEvents: await aged(r.auditEventsDays, (c) => tx.deleteAuditEventsBefore(c, batch)),
    };
  });
  const none = {
    ceremonies: 0,
    faceStates: 0,
    faceFrames: 0,
    rateLimits: 0,
    sessions: 0,
    recoveryFlows: 0,
    codes: 0,
    transactions: 0,
    auditEvents: 0,
  };
  if (!result) return { ran: false, deleted: none, more: false };
  const { sessions, recoveryFlows, codes, transactions, auditEvents } = result;
  return { ran: true, deleted: result, more: [sessions, recoveryFlows, codes, transactions, auditEvents].some((n) => n >= batch) };
}

/** Runs {@link sweep} until nothing is left over (or another process holds the lock). @returns the totals. */
export async function sweepAll(ctx: TwofoldContext, options: SweepOptions = {}): Promise<SweepResult> {
  const total = await sweep(ctx, options);
  let last = total;
  while (last.ran && last.more) {
    last = await sweep(ctx, options);
    for (const k of Object.keys(total.deleted) as (keyof SweepResult['deleted'])[]) total.deleted[k] += last.deleted[k];
  }
  total.more = last.more;
  return total;
}
