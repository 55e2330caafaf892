import type { CodeType } from '@twofold/protocol';
import type { WithApi } from '../api/api.js';
import { createPasskey, type HintOptions, type SessionResult } from '../passkeys/passkeys.js';

export type { CodeType } from '@twofold/protocol';

/** Options of {@link addPasskeyWithCode} (`twofold.addPasskeyWithCode`). */
export interface AddPasskeyWithCodeOptions extends HintOptions {
  /** The user the code was generated for. */
  userId: string;
  /** The pre-authorized code, as the user received it (spaces and dashes in short codes are ignored). */
  code: string;
  /** The code's kind. */
  type: CodeType;
  /** A name for the new passkey device; default: the authenticator model (from its AAGUID), else a guess from the User-Agent. */
  deviceName?: string;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
}

/**
 * Account recovery on a new device: redeems a pre-authorized code (from the host's support
 * channel, email or SMS) and registers a passkey on this device for the code's user.
 * Resolves with a session (`amr: ["code"]`).
 * @throws TwofoldClientError — `CODE_INVALID`, `CODE_EXPIRED`, `CODE_USED`, `CODE_LOCKED`,
 *   `RATE_LIMITED` (see `problem.retryAfterSeconds`), `FACE_REQUIRED`, `CANCELLED`, `ABORTED`, ...
 */
export async function addPasskeyWithCode(options: WithApi<AddPasskeyWithCodeOptions>): Promise<SessionResult> {
  const { api } = options;
  const { ceremonyId, options: creation } = await api.call('codes.startAddPasskey', {
    body: { userId: options.userId, code: { code: options.code, type: options.type }, ...(options.hints && { hints: options.hints }) },
    signal: options.signal,
  });
  const { response } = await createPasskey({ optionsJSON: creation, signal: options.signal });
  return api.call('codes.verifyAddPasskey', { body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) } });
}

/** Options of {@link readCodeFromUrl}. */
export interface ReadCodeFromUrlOptions {
  /** The page's URL, e.g. `location.href`. */
  url: string | URL;
  /** The query parameter holding the user id. Default `user`. */
  userParam?: string;
  /** The query parameter holding the code. Default `code`. */
  codeParam?: string;
}

/** A `link` code read from a URL: ready for {@link addPasskeyWithCode} or a `new_device` recovery. */
export interface LinkCode {
  userId: string;
  code: string;
  type: 'link';
}

/**
 * Reads a `link` code from a URL made from the host's link template (by default
 * `...?user={userId}&code={code}`, in the query or in the hash). Returns null when the URL has none.
 */
export function readCodeFromUrl(options: ReadCodeFromUrlOptions): LinkCode | null {
  const u = new URL(options.url);
  const userParam = options.userParam ?? 'user';
  const codeParam = options.codeParam ?? 'code';
  // Look in the query, then in a query inside the hash (`#/recover?user=...`).
  const hashQuery = u.hash.includes('?') ? u.hash.slice(u.hash.indexOf('?') + 1) : '';
  for (const params of [u.searchParams, new URLSearchParams(hashQuery)]) {
    const userId = params.get(userParam);
    const code = params.get(codeParam);
    if (userId && code) return { userId, code, type: 'link' };
  }
  return null;
}
