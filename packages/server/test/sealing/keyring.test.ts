import { describe, expect, it } from 'vitest';
import { createKeyring, generateSealingKey, parseKeyring } from '../../src/sealing/keyring.js';
import { createTwofold } from '../../src/twofold.js';
import { openPGlite, useStore } from '../helpers/backends.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('keyring', () => {
  const k1 = parseKeyring(generateSealingKey('k1'))[0]!;
  const k2 = parseKeyring(generateSealingKey('k2'))[0]!;

  it('seals and opens; the context is bound; tampering is detected', async () => {
    const ring = createKeyring([k1]);
    const sealed = await ring.seal(bytes('secret'), 'ctx:a');
    expect(sealed).toMatch(/^tf1\.k1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('secret');
    expect(text(await ring.open(sealed, 'ctx:a'))).toBe('secret');
    await expect(ring.open(sealed, 'ctx:b')).rejects.toThrow(/failed authentication/);
    const parts = sealed.split('.');
    const flipped = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    await expect(ring.open([...parts.slice(0, 3), flipped].join('.'), 'ctx:a')).rejects.toThrow(/failed authentication/);
    await expect(ring.open('garbage', 'ctx:a')).rejects.toThrow(/not a sealed value/);
    // two seals of one value differ (fresh IV)
    expect(await ring.seal(bytes('secret'), 'ctx:a')).not.toBe(sealed);
  });

  it('mac is HMAC-SHA256 under an HKDF-derived key per label (the same values as the Web Crypto form it replaced)', async () => {
    const ring = createKeyring([k1]);
    const data = bytes('some code or frame');
    const ikm = await crypto.subtle.importKey('raw', new Uint8Array(k1.key), 'HKDF', false, ['deriveKey']);
    const webCrypto = async (label: string) => {
      const key = await crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: bytes(label) },
        ikm,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        false,
        ['sign'],
      );
      return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
    };
    expect(await ring.mac(data, 'label-a')).toEqual(await webCrypto('label-a'));
    expect(await ring.mac(data, 'label-b')).toEqual(await webCrypto('label-b'));
    expect(await ring.mac(data, 'label-a')).not.toEqual(await ring.mac(data, 'label-b'));
  });

  it('rotates: a new first key seals, old keys still open, removed keys do not', async () => {
    const old = await createKeyring([k1]).seal(bytes('v'), 'c');
    const rotated = createKeyring([k2, k1]);
    expect(text(await rotated.open(old, 'c'))).toBe('v');
    expect(rotated.isStale(old)).toBe(true);
    expect((await rotated.seal(bytes('v'), 'c')).split('.')[1]).toBe('k2');
    await expect(createKeyring([k2]).open(old, 'c')).rejects.toThrow(/not in the keyring/);
  });

  it('refuses bad keys with readable errors', () => {
    expect(() => createKeyring([])).toThrow(/at least one/);
    expect(() => createKeyring([{ id: 'short', key: new Uint8Array(16) }])).toThrow(/32 bytes/);
    expect(() => createKeyring([k1, k1])).toThrow(/twice/);
    expect(() => parseKeyring('nocolon')).toThrow(/id:base64url/);
  });
});

describe('signing keys sealed at rest', () => {
  const pglite = useStore(openPGlite);

  it('stores no private key material in clear, and needs the secret key to sign', async () => {
    const secretKeys = parseKeyring(generateSealingKey('main'));
    const twofold = createTwofold({ store: pglite.store, rp: { id: 'localhost', origins: ['http://localhost:1'] }, secretKeys });
    const token = await twofold.tokens.issue({ userId: 'u1', amr: ['passkey'] });
    const [record] = await pglite.store.listSigningKeys();
    expect(record!.privateJwk).toEqual({ sealed: expect.stringMatching(/^tf1\.main\./) });
    expect(JSON.stringify(record)).not.toMatch(/"d":/);
    expect((await twofold.tokens.verify({ token })).userId).toBe('u1');

    // A server without the secret key cannot sign with it (and says why at start-up).
    const keyless = createTwofold({ store: pglite.store, rp: { id: 'localhost', origins: ['http://localhost:1'] } });
    await expect(keyless.tokens.ready()).rejects.toThrow(/sealed, but no secret keys/);
    // ...but verifying needs only the public key.
    expect((await keyless.tokens.verify({ token })).userId).toBe('u1');
    // A rotated secret keyring (new key first) still opens it.
    const rotated = createTwofold({
      store: pglite.store,
      rp: { id: 'localhost', origins: ['http://localhost:1'] },
      secretKeys: [...parseKeyring(generateSealingKey('next')), ...secretKeys],
    });
    await expect(rotated.tokens.ready()).resolves.toBeUndefined();
  });
});
