import { LRUCache } from 'lru-cache';
import type { Store } from '../store.js';
import type { PasskeyRecord } from './store.js';

/** Sizing of a {@link PasskeyCache}. */
export interface PasskeyCacheOptions {
  /** Credentials kept (least recently used go first). Default 10 000; 0 turns the cache off. */
  max?: number;
  /** How long an entry is trusted before it is read again. Default 10 minutes. */
  ttlSeconds?: number;
}

export type PasskeyCache = ReturnType<typeof createPasskeyCache>;

/**
 * Credentials read for sign-in, kept per instance so a returning user's sign-in skips one
 * database round trip. Only what never changes for one registration is relied on (public key,
 * owner, device id): the counter and the credential's existence are decided by the sign-in's
 * durable statement (`recordPasskeyUse`), which refuses a credential that was deleted or
 * re-registered since (another `deviceId`). Refused uses {@link PasskeyCache.forget} the entry.
 * Other processes need no notice: their stale entries meet the same statement.
 */
export function createPasskeyCache(store: Pick<Store, 'getPasskeyByCredentialId'>, options: PasskeyCacheOptions = {}) {
  const max = Math.floor(options.max ?? 10_000);
  if (!(max >= 0)) throw new TypeError(`passkey cache: max must be ≥ 0, got ${options.max}`);
  const ttlSeconds = options.ttlSeconds ?? 600;
  if (!(ttlSeconds > 0 && ttlSeconds <= 86_400))
    throw new TypeError(`passkey cache: ttlSeconds must be in (0, 86400], got ${options.ttlSeconds}`);
  const entries = max > 0 ? new LRUCache<string, PasskeyRecord>({ max, ttl: ttlSeconds * 1000 }) : null;
  return {
    /** The credential, from memory when this instance read it lately; null when it is not registered (never cached). */
    async get(credentialId: string): Promise<PasskeyRecord | null> {
      const cached = entries?.get(credentialId);
      if (cached) return cached;
      const passkey = await store.getPasskeyByCredentialId(credentialId);
      if (passkey) entries?.set(credentialId, passkey);
      return passkey;
    },
    /** Drops an entry (its use was refused: deleted, re-registered or counter). */
    forget(credentialId: string): void {
      entries?.delete(credentialId);
    },
  };
}
