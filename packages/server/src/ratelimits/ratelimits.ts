import { TwofoldError } from '../errors.js';
import type { RateLimiter } from './store.js';

export type { RateLimit, RateLimiter, RateLimitResult } from './store.js';

/** `[limiter, key]` pairs for {@link enforceLimits}; a pair without a key is skipped. */
export type LimitChecks = [RateLimiter, string | undefined][];

/**
 * Counts one attempt on each `[limiter, key]` pair (pairs without a key are skipped) and throws
 * `RATE_LIMITED`, with `retryAfterSeconds`, if any limiter refuses.
 */
export async function enforceLimits(checks: LimitChecks): Promise<void> {
  const results = await Promise.all(checks.filter(([, key]) => key !== undefined).map(([limiter, key]) => limiter.consume(key!)));
  const refused = results.find((r) => !r.allowed);
  if (refused) {
    throw new TwofoldError('RATE_LIMITED', `Too many attempts; try again in ${refused.retryAfterSeconds} s.`, {
      retryAfterSeconds: refused.retryAfterSeconds,
    });
  }
}
