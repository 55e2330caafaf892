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
  /**
   * Short-code attempts per user per window, from any address: a ceiling that backs off (every
   * short-code attempt for the user is refused until the window ends) instead of locking codes.
   * Wrong guesses never lock or burn a code (issue 13): a stranger cannot take codes away.
   */
  userAttempts: RateLimit;
  /** Short-code attempts per (user, client address) per window. */
  userAddressAttempts: RateLimit;
  /** Code attempts (every type) per client address per window; the only limit on `long` and `link` codes (128 bits). */
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
  userAttempts: { points: 20, durationSeconds: 3600 },
  userAddressAttempts: { points: 5, durationSeconds: 900 },
  addressAttempts: { points: 30, durationSeconds: 900 },
};
