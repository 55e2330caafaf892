/** The ratelimits module's slice of the {@link Store}: counters shared by every server process. */
export interface RateLimitsStore {
  /**
   * A rate limiter whose counters live in this store, so limits hold across server processes.
   * `points` attempts per `durationSeconds` per key.
   */
  rateLimiter(options: { keyPrefix: string } & RateLimit): RateLimiter;
  /** Housekeeping: removes rate-limit counters that expired before `now`. */
  deleteExpiredRateLimits(now: Date): Promise<number>;
}

/** Limits per key and window. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/** What a rate limiter answers: whether the attempt is allowed and when to try again. */
export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one attempt for `key`. */
  consume(key: string): Promise<RateLimitResult>;
  /** Forgets `key`'s attempts (e.g. after a success). */
  reset(key: string): Promise<void>;
}
