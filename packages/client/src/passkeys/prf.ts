import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';

/**
 * The PRF extension (WebAuthn L3 §10.1.4): where the authenticator supports it, a passkey
 * evaluates a pseudo-random function over a salt the page chooses, giving 32 secret bytes that
 * only this passkey can reproduce. The client turns them into a non-extractable AES-GCM key, to
 * encrypt what the page keeps locally (cached state, a device key's wrapping key) so that only a
 * fresh passkey ceremony unlocks it. The output never leaves the browser: it is taken out of the
 * response before the response is sent to the server.
 */
export interface PrfRequest {
  /**
   * What the key is for, e.g. `'notes-v1'`: the same passkey and salt always give the same key,
   * another salt another key. A string (UTF-8) or bytes; the browser hashes it with a
   * WebAuthn-specific prefix (§10.1.4), so it can be any length and need not be secret.
   */
  salt: string | Uint8Array;
  /** HKDF `info` when deriving the key. Default `'twofold prf aes-gcm v1'`. */
  info?: string;
}

/** A ceremony that may evaluate PRF. */
export interface PrfOption {
  /**
   * Ask the passkey to evaluate PRF and derive `prfKey` from it. Where the authenticator or the
   * browser has no PRF the ceremony still succeeds, with `prfKey: null`. At registration some
   * authenticators only report PRF support (`null` then too): sign in with `prf` to get the key.
   */
  prf?: PrfRequest;
}

/** What a ceremony asked with {@link PrfOption} adds to its result. */
export interface PrfResult {
  /** AES-GCM-256 key (encrypt/decrypt, not extractable); null when no PRF output came back. */
  prfKey?: CryptoKey | null;
}

const bytes = (salt: string | Uint8Array): Uint8Array => (typeof salt === 'string' ? new TextEncoder().encode(salt) : salt);

/**
 * `optionsJSON` with the PRF input added. The salt goes in as bytes (WebAuthn wants a
 * BufferSource; `@simplewebauthn/browser` passes `extensions` through unchanged).
 */
export function withPrfInput<T extends { extensions?: unknown }>(optionsJSON: T, prf: PrfRequest | undefined): T {
  if (!prf) return optionsJSON;
  const extensions = { ...(optionsJSON.extensions as Record<string, unknown> | undefined), prf: { eval: { first: bytes(prf.salt) } } };
  return { ...optionsJSON, extensions } as T;
}

/**
 * Removes the PRF result from a response (so it is never sent to the server) and returns the
 * first output, or null when there is none.
 */
export function takePrfOutput(response: RegistrationResponseJSON | AuthenticationResponseJSON): ArrayBuffer | null {
  const results = response.clientExtensionResults as Record<string, unknown>;
  const prf = results.prf as { results?: { first?: BufferSource } } | undefined;
  delete results.prf;
  const first = prf?.results?.first;
  if (!first) return null;
  return first instanceof ArrayBuffer ? first : (new Uint8Array(first as ArrayBufferView as Uint8Array).slice().buffer as ArrayBuffer);
}

/** Options of {@link derivePrfKey}. */
export interface DerivePrfKeyOptions {
  /** A PRF output (32 bytes). */
  output: BufferSource;
  /** HKDF `info`. Default `'twofold prf aes-gcm v1'`. */
  info?: string;
}

/** HKDF-SHA-256 over a PRF output → a non-extractable AES-GCM-256 key (encrypt, decrypt). */
export async function derivePrfKey(options: DerivePrfKeyOptions): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', options.output, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(options.info ?? 'twofold prf aes-gcm v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The `prfKey` a ceremony result gets when `prf` was asked (nothing when it was not). */
export async function prfResult(output: ArrayBuffer | null, prf: PrfRequest | undefined): Promise<PrfResult> {
  if (!prf) return {};
  return { prfKey: output ? await derivePrfKey({ output, ...(prf.info !== undefined && { info: prf.info }) }) : null };
}
