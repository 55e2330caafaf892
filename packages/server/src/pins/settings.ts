import type { RateLimit } from '../ratelimits/store.js';

/** PIN policy; every field has a default (see {@link DEFAULT_PIN_SETTINGS}). */
export interface PinSettings {
  /** Wrong PINs in a row that lock it (kept in the database: survives restarts, holds across processes). */
  maxAttempts: number;
  /** PIN checks per user / per client address per window (rate limits, held in the store). */
  userAttempts: RateLimit;
  addressAttempts: RateLimit;
  /**
   * PIN changes per user per window (each runs argon2id, ~70 ms of CPU); changes also count
   * against `addressAttempts`.
   */
  changeAttempts: RateLimit;
  /**
   * argon2id hashes running at once, per instance (PIN checks, changes, resets). Default: the
   * hasher's own `concurrency` (a worker pool's thread count; 1 for the inline hasher).
   */
  hashConcurrency?: number;
  /** Requests waiting for a hash slot; beyond it they get 503 `SERVER_BUSY`. Default 32. */
  hashQueue: number;
}

export const DEFAULT_PIN_SETTINGS: PinSettings = {
  maxAttempts: 3,
  userAttempts: { points: 10, durationSeconds: 900 },
  addressAttempts: { points: 30, durationSeconds: 900 },
  changeAttempts: { points: 5, durationSeconds: 900 },
  hashQueue: 32,
};
