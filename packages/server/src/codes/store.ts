/** The codes module's slice of the {@link Store}. */
export interface CodesStore {
  insertCode(code: CodeRecord): Promise<void>;
  /** The user's most recent codes of one type and purpose, in any state, newest first. */
  listCodes(filter: { userId: string; type: CodeType; purpose: string; limit: number }): Promise<CodeRecord[]>;
  getCode(id: string): Promise<CodeRecord | null>;
  /**
   * Guarded increment: adds a failed attempt to each of `ids` that is still live and unlocked,
   * locking those that reach `maxAttempts` (locked_at = now). Atomic per row.
   * @returns the rows after the update.
   */
  recordCodeFailure(args: { ids: string[]; maxAttempts: number; now: Date }): Promise<CodeRecord[]>;
  /**
   * Consume-once: marks the code used if it is still live and unlocked at `now`. Of any number
   * of concurrent callers exactly one gets true.
   */
  consumeCode(id: string, now: Date): Promise<boolean>;
  /** Invalidates every live code of the user. @returns how many. */
  invalidateCodes(userId: string, now: Date): Promise<number>;
  /**
   * Sweep: deletes codes (used, invalidated or not) that expired before `before`, with any
   * recovery flow that still references them. Deletes at most `limit` rows per call (the sweep repeats); @returns how many.
   */
  deleteExpiredCodes(before: Date, limit: number): Promise<number>;
}

import type { CodeType } from '@twofold/protocol';

export type { CodeType } from '@twofold/protocol';

export interface CodeRecord {
  id: string;
  userId: string;
  purpose: string;
  type: CodeType;
  /** Keyed hash (HMAC-SHA256, base64url) of the code; the code itself is never stored. */
  secretHash: string;
  /** Which secret key keyed the hash (`'none'` when no secret keys are configured). */
  hashKeyId: string;
  authorized: boolean;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  invalidatedAt: Date | null;
  lockedAt: Date | null;
  failedAttempts: number;
  /** Only a recovery flow with a face check may redeem it (not the code-only route). */
  requireFace: boolean;
}
