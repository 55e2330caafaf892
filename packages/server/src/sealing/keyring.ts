import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../util/encoding.js';

/** One AES-256 key with the id that sealed values carry, so keys can rotate. */
export interface SealingKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

export type Keyring = ReturnType<typeof createKeyring>;

const PREFIX = 'tf1';
const ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Seals secrets at rest with AES-256-GCM (Web Crypto). The first key seals; every key opens, so
 * a new key can be put first and old values still open until they are re-sealed.
 * Sealed form: `tf1.<keyId>.<iv>.<ciphertext+tag>` (base64url). `context` is bound as
 * additional authenticated data: a value sealed for one purpose or row does not open for another.
 */
export function createKeyring(keys: readonly SealingKey[]) {
  if (keys.length === 0) throw new Error('a keyring needs at least one key');
  const imported = new Map<string, Promise<CryptoKey>>();
  const raw = new Map(keys.map((k) => [k.id, new Uint8Array(k.key)]));
  const macKeys = new Map<string, Promise<Uint8Array>>();
  // An HMAC key per (secret key, label), derived with HKDF (once, by Web Crypto) so that one
  // secret serves several purposes without its uses ever meeting. The HMAC itself is computed by
  // @noble/hashes on the calling thread: for the short inputs hashed here (codes, ceremony ids,
  // frames) a Web Crypto call costs ~45 µs of thread-pool round trip, noble ~5 µs.
  const macKey = (id: string, label: string) => {
    const cacheKey = `${id}\0${label}`;
    let key = macKeys.get(cacheKey);
    if (!key) {
      key = (async () => {
        const ikm = await globalThis.crypto.subtle.importKey('raw', raw.get(id)!, 'HKDF', false, ['deriveBits']);
        const bits = await globalThis.crypto.subtle.deriveBits(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(label) },
          ikm,
          256,
        );
        return new Uint8Array(bits);
      })();
      macKeys.set(cacheKey, key);
    }
    return key;
  };
  for (const k of keys) {
    if (!ID.test(k.id)) throw new Error(`sealing key id "${k.id}" must be 1-32 characters of A-Z a-z 0-9 _ -`);
    if (k.key.length !== 32) throw new Error(`sealing key "${k.id}" must be 32 bytes, not ${k.key.length}`);
    if (imported.has(k.id)) throw new Error(`sealing key id "${k.id}" appears twice`);
    imported.set(k.id, globalThis.crypto.subtle.importKey('raw', new Uint8Array(k.key), 'AES-GCM', false, ['encrypt', 'decrypt']));
  }
  const active = keys[0]!.id;
  const aad = (context: string) => new TextEncoder().encode(context);

  return {
    /** Id of the key that seals. */
    activeKeyId: active,
    async seal(plaintext: Uint8Array, context: string): Promise<string> {
      const iv = randomBytes(12);
      const ct = await globalThis.crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad(context) },
        await imported.get(active)!,
        new Uint8Array(plaintext),
      );
      return `${PREFIX}.${active}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
    },
    /** Opens a sealed value. Throws on an unknown key id, a wrong context or any tampering. */
    async open(sealed: string, context: string): Promise<Uint8Array> {
      const [prefix, id, iv, ct, extra] = sealed.split('.');
      if (prefix !== PREFIX || !id || !iv || !ct || extra !== undefined) throw new Error('not a sealed value');
      const key = imported.get(id);
      if (!key) throw new Error(`sealed with key "${id}", which is not in the keyring`);
      try {
        const plain = await globalThis.crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: aad(context) },
          await key,
          fromBase64Url(ct),
        );
        return new Uint8Array(plain);
      } catch {
        throw new Error('sealed value failed authentication (wrong key, wrong context or tampered)');
      }
    },
    /**
     * A keyed hash (HMAC-SHA256 under a key derived for `label`) of `data`, by the active key or
     * by `keyId` (to check a hash made before a rotation). Throws for an unknown key id.
     */
    async mac(data: Uint8Array, label: string, keyId: string = active): Promise<Uint8Array> {
      if (!raw.has(keyId)) throw new Error(`key "${keyId}" is not in the keyring`);
      return hmac(sha256, await macKey(keyId, label), data);
    },
    /** Whether the keyring holds a key with this id. */
    hasKey: (keyId: string) => raw.has(keyId),
    /** Whether `sealed` was sealed with another key than the active one (re-seal it). */
    isStale: (sealed: string) => sealed.split('.')[1] !== active,
  };
}

/**
 * Parses `id:base64url,id2:base64url` (first = active), the form of `TWOFOLD_SECRET_KEYS`.
 * Throws a readable error.
 */
export function parseKeyring(text: string): SealingKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, value, extra] = part.split(':');
      if (!id || !value || extra !== undefined) throw new Error('secret keys look like "id:base64url-of-32-bytes", comma-separated');
      let key: Uint8Array;
      try {
        key = fromBase64Url(value);
      } catch {
        throw new Error(`secret key "${id}" is not base64url`);
      }
      return { id, key };
    });
}

/** A new random key in `parseKeyring` form, e.g. for `TWOFOLD_SECRET_KEYS`. */
export function generateSealingKey(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${toBase64Url(randomBytes(32))}`;
}
