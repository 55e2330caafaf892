import type { RateLimit } from '../ratelimits/store.js';
import type { CodeType } from './store.js';

/** What a code may be used for. Only adding a credential (account recovery) exists today. */
export type CodePurpose = 'add_credential';

/** Code policy; every field has a default (see {@link DEFAULT_CODE_SETTINGS}). */
export interface CodeSettings {
  /** Default lifetime per type, seconds. */
  ttlSeconds: Record<CodeType, number>;
  /** Longest lifetime a caller may ask for. */
  maxTtlSeconds: number;
  /** Wrong entries after which a user's live codes of that type lock. */
  maxAttempts: number;
  /** Redemption attempts per user per window (rate limit, held in the store). */
  userAttempts: RateLimit;
  /** Redemption attempts per client address per window. */
  addressAttempts: RateLimit;
  /**
   * URL template for `link` codes, with `{code}` and `{userId}` placeholders, e.g.
   * `https://app.example/recover?user={userId}&code={code}`. Without it, generate returns no link.
   */
  linkTemplate?: string;
}

export const DEFAULT_CODE_SETTINGS: CodeSettings = {
  ttlSeconds: { short: 600, long: 86_400, link: 3_600 },
  maxTtlSeconds: 7 * 86_400,
  maxAttempts: 5,
  userAttempts: { points: 10, durationSeconds: 900 },
  addressAttempts: { points: 30, durationSeconds: 900 },
};
