import { LRUCache } from 'lru-cache';

export type UsedCeremonies = ReturnType<typeof createUsedCeremonies>;

/**
 * The markers this instance saw used lately, so a replay to the same server is refused before
 * its signature is checked and a token signed (the database still decides: a marker unknown
 * here is checked by the sign-in's write). Bounded; entries outlive the ceremony TTL.
 */
export function createUsedCeremonies(ttlSeconds: number, max = 100_000) {
  const seen = new LRUCache<string, true>({ max, ttl: (ttlSeconds + 60) * 1000 });
  return {
    has: (marker: string) => seen.has(marker),
    add: (marker: string) => void seen.set(marker, true),
  };
}
