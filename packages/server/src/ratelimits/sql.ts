import type { SqlExecutor, SqlLibraries } from '../db/executor.js';
import type { Query } from '../db/query.js';
import type { RateLimitsStore } from './store.js';

// rate-limiter-flexible's PostgreSQL limiter, over the store's connection, on the table
// migration 2 creates (so PGlite and PostgreSQL share the implementation). The SQL store hands the
// library in (see SqlLibraries).
export function rateLimitsSql(q: Query, db: SqlExecutor, { rateLimiterFlexible }: SqlLibraries): RateLimitsStore {
  const { RateLimiterPostgres, RateLimiterRes } = rateLimiterFlexible;
  return {
    rateLimiter(o) {
      const limiter = new RateLimiterPostgres({
        storeClient: { query: (query: { text: string; values?: unknown[] }) => db.query(query.text, query.values ?? []) },
        storeType: 'client',
        tableName: 'twofold_rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: o.keyPrefix,
        points: o.points,
        duration: o.durationSeconds,
      });
      return {
        async consume(key) {
          try {
            const r = await limiter.consume(key);
            return { allowed: true, remaining: r.remainingPoints, retryAfterSeconds: 0 };
          } catch (error) {
            if (error instanceof RateLimiterRes) {
              return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
            }
            throw error;
          }
        },
        async reset(key) {
          await limiter.delete(key);
        },
      };
    },
    async deleteExpiredRateLimits(now) {
      return (await q('DELETE FROM twofold_rate_limits WHERE expire < $1', [now.getTime()])).rowCount;
    },
  };
}
