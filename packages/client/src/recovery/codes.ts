import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { ApiClient } from '../api/api.js';
import { createPasskey, type SessionResult } from '../passkeys/passkeys.js';

/** The kinds of pre-authorized code a backend can issue. */
export type CodeType = 'short' | 'long' | 'link';

/**
 * Account recovery on a new device: redeems a pre-authorized code (from the host's support
 * channel, email or SMS) and registers a passkey on this device for the code's user.
 * Resolves with a session (`amr: ["code"]`).
 * @throws TwofoldClientError — `CODE_INVALID`, `CODE_EXPIRED`, `CODE_USED`, `CODE_LOCKED`,
 *   `RATE_LIMITED` (see `problem.retryAfterSeconds`), `CANCELLED`, `ABORTED`, ...
 */
export async function addPasskeyWithCode(
  api: ApiClient,
  options: { userId: string; code: string; type: CodeType; /** Device name; default from the User-Agent. */ name?: string; signal?: AbortSignal },
): Promise<SessionResult> {
  const { ceremonyId, options: creation } = await api.request<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }>(
    'POST',
    '/credentials/fido2/init/code',
    { body: { userId: options.userId, code: { code: options.code, type: options.type } }, signal: options.signal },
  );
  const response = await createPasskey(creation, options.signal);
  return api.request<SessionResult>('POST', '/credentials/fido2/complete', {
    body: { ceremonyId, response, ...(options.name && { name: options.name }) },
  });
}

/**
 * Reads a `link` code from a URL made from the host's link template (by default
 * `...?user={userId}&code={code}`, in the query or in the hash). Returns null when the URL has none.
 */
export function readCodeFromUrl(
  url: string | URL,
  options: { userParam?: string; codeParam?: string } = {},
): { userId: string; code: string; type: 'link' } | null {
  const u = new URL(url);
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
