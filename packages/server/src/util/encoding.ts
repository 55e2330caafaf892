import { base64url } from 'jose';

/** base64url without padding (RFC 4648 §5), as WebAuthn JSON uses. */
export const toBase64Url = (bytes: Uint8Array): string => base64url.encode(bytes);
export const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(base64url.decode(text));

/** `n` bytes from the platform CSPRNG. */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A random identifier carrying `bytes * 8` bits, base64url-encoded. */
export const randomId = (bytes = 16): string => toBase64Url(randomBytes(bytes));

/** SHA-256 of a UTF-8 string, base64url-encoded. Used for hashing high-entropy secrets at rest. */
export async function sha256Base64Url(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return toBase64Url(new Uint8Array(digest));
}
