import type { DeviceProof, DeviceProofPurpose } from '@twofold/protocol';
import { openDB } from 'idb';
import type { WithApi, WithSession } from './api/api.js';
import { TwofoldClientError } from './errors.js';

/** A device key as this browser keeps it: the private half is a non-extractable CryptoKey. */
export interface StoredDeviceKey {
  /** Set once the server bound it (its JWK thumbprint). */
  keyId: string;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
}

/** Where device keys live, one per user: {@link indexedDbDeviceKeys} in browsers, {@link memoryDeviceKeys} elsewhere. */
export interface DeviceKeyStore {
  get(userId: string): Promise<StoredDeviceKey | undefined>;
  put(userId: string, key: StoredDeviceKey): Promise<void>;
  delete(userId: string): Promise<void>;
}

/**
 * Device keys in IndexedDB (via `idb`), in the database `name` (default `twofold`). CryptoKeys are
 * stored as they are (structured clone): the private key stays non-extractable — script on the
 * page can use it to sign while it runs, but cannot read it out.
 */
export function indexedDbDeviceKeys(name = 'twofold'): DeviceKeyStore {
  const db = () => openDB(name, 1, { upgrade: (d) => void d.createObjectStore('device-keys') });
  return {
    async get(userId) {
      return (await (await db()).get('device-keys', userId)) as StoredDeviceKey | undefined;
    },
    async put(userId, key) {
      await (await db()).put('device-keys', key, userId);
    },
    async delete(userId) {
      await (await db()).delete('device-keys', userId);
    },
  };
}

/** Device keys in memory (tests, or runtimes without IndexedDB): gone with the page. */
export function memoryDeviceKeys(): DeviceKeyStore {
  const keys = new Map<string, StoredDeviceKey>();
  return {
    get: async (userId) => keys.get(userId),
    put: async (userId, key) => void keys.set(userId, key),
    delete: async (userId) => void keys.delete(userId),
  };
}

/** Options of {@link bindDeviceKey}. */
export interface BindDeviceKeyOptions {
  /** The user the session belongs to. */
  userId: string;
  /** Where the key is kept. */
  keys: DeviceKeyStore;
}

/**
 * Binds this browser to the session's passkey device: creates a non-extractable ECDSA P-256 key
 * (once per user) and registers its public half (`POST /me/device-keys`). Needs a passkey sign-in
 * from the last 5 minutes — call it right after one (the client does). @returns the key id.
 * @throws TwofoldClientError — `REAUTHENTICATION_REQUIRED`, ...
 */
export async function bindDeviceKey(options: WithSession<BindDeviceKeyOptions>): Promise<string> {
  const { api, token, userId, keys } = options;
  let stored = await keys.get(userId);
  if (!stored) {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    stored = { keyId: '', privateKey: pair.privateKey, publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey) };
  }
  const { kty, crv, x, y } = stored.publicJwk;
  // A stored key that is not a P-256 public key (a store the host filled itself) is refused here,
  // before the server would answer INVALID_REQUEST.
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y)
    throw new TypeError('bindDeviceKey: the stored device key is not an ECDSA P-256 public JWK');
  const { keyId } = await api.call('deviceKeys.register', { token, body: { publicKey: { kty, crv, x, y } } });
  await keys.put(userId, { ...stored, keyId });
  return keyId;
}

/** Options of {@link signDeviceProof}. */
export interface SignDeviceProofOptions {
  userId: string;
  purpose: DeviceProofPurpose;
  keys: DeviceKeyStore;
}

/**
 * A device-key proof for `purpose`: fetches a fresh challenge and signs it with this browser's key.
 * @throws TwofoldClientError — `DEVICE_PROOF_REQUIRED` when this browser holds no key for the
 *   user (sign in with a passkey here first).
 */
export async function signDeviceProof(options: WithApi<SignDeviceProofOptions>): Promise<DeviceProof> {
  const { api, userId, purpose } = options;
  const key = await options.keys.get(userId);
  if (!key?.keyId)
    throw new TwofoldClientError(
      'DEVICE_PROOF_REQUIRED',
      'This device is not set up for this account yet: sign in with a passkey on it first.',
    );
  const { challengeId, challenge } = await api.call('deviceKeys.startProof', { body: { userId, purpose } });
  const message = new TextEncoder().encode(`twofold-device-proof:v1:${purpose}:${userId}:${challenge}`);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, message));
  return { keyId: key.keyId, challengeId, signature: toBase64Url(signature) };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
