import { LRUCache } from 'lru-cache';

export type UsedCeremonies = ReturnType<typeof createUsedCeremonies>;

/**
 * The markers this instance saw used (or in use) lately, so a replay to the same server — also
 * one sent while the first attempt is still running — is refused before its signature is checked
 * and a token signed (the database still decides: a marker unknown here is checked by the
 * sign-in's write). Bounded; entries outlive the ceremony TTL.
 */
export function createUsedCeremonies(ttlSeconds: number, max = 100_000) {
  const seen = new LRUCache<string, true>({ max, ttl: (ttlSeconds + 60) * 1000 });
  return {
    /** Takes `marker` for one attempt on this server: false when it was taken already. */
    claim(marker: string): boolean {
      if (seen.has(marker)) return false;
      seen.set(marker, true);
      return true;
    },
    /** Gives a claim back after an attempt that decided nothing (the store unreachable, an unexpected error). */
    release: (marker: string) => void seen.delete(marker),
  };
}
