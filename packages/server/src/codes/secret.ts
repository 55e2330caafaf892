import type { Keyring } from '../sealing/keyring.js';
import type { CodeType } from './store.js';
import { randomBytes, toBase64Url } from '../util/encoding.js';

/**
 * A fresh code. `short`: 8 decimal digits, to read over the phone (guessing is stopped by the
 * attempt limits, not by entropy). `long` and `link`: 128 random bits, base64url (≥ 112 bits).
 */
export function newCode(type: CodeType): string {
  if (type !== 'short') return toBase64Url(randomBytes(16));
  // Rejection sampling: uniform over 0..99 999 999 without modulo bias.
  for (;;) {
    const [n] = new Uint32Array(randomBytes(4).buffer);
    if (n! < 4_200_000_000) return String(n! % 100_000_000).padStart(8, '0');
  }
}

/** What users type: spaces and dashes in short codes are ignored ("1234 5678"). */
export const normalizeCode = (type: CodeType, code: string): string => (type === 'short' ? code.replace(/[\s-]/g, '') : code.trim());

const LABEL = 'twofold:code-hash:v1';

/**
 * The keyed hash a code is stored as: HMAC-SHA256 (key derived from the active secret key) over
 * the purpose, type, user and code, so a hash is useless for any other user or purpose. Without
 * secret keys it is a plain SHA-256 (`keyId` "none"): fine for long codes, but a database dump
 * then lets short codes be brute-forced offline — configure secret keys in production.
 */
export async function hashCode(
  keyring: Keyring | undefined,
  input: { purpose: string; type: CodeType; userId: string; code: string },
  keyId?: string,
): Promise<{ keyId: string; hash: string }> {
  const data = new TextEncoder().encode([input.purpose, input.type, input.userId, input.code].join('\0'));
  if (keyring && keyId !== 'none') {
    const id = keyId ?? keyring.activeKeyId;
    return { keyId: id, hash: toBase64Url(await keyring.mac(data, LABEL, id)) };
  }
  return { keyId: 'none', hash: toBase64Url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data))) };
}
