import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** A credential held by a {@link SoftAuthenticator}. */
export interface SoftCredential {
  id: string;
  userHandle: string;
  rpId: string;
  counter: number;
  privateKey: CryptoKey;
}

export interface SoftAuthenticatorOptions {
  /** Origin written into `clientDataJSON`. */
  origin: string;
  /** AAGUID reported at registration. Default all zeros. */
  aaguid?: string;
  /** BE flag (WebAuthn §6.1). Default true (a synced passkey). */
  backupEligible?: boolean;
  /** Add this to the counter at each assertion. 0 models authenticators without counters. Default 1. */
  counterStep?: number;
}

/**
 * A software WebAuthn authenticator for API-level tests and benchmarks in Node: ES256 keys,
 * `none` attestation, UP+UV always set. It *produces* responses so that the server's real
 * verification (`@simplewebauthn/server`) can be exercised over HTTP without a browser.
 * It is no substitute for the browser tests, which use Chromium's virtual authenticator
 * (see {@link addVirtualAuthenticator}).
 */
export function createSoftAuthenticator(options: SoftAuthenticatorOptions) {
  const credentials = new Map<string, SoftCredential>();
  const aaguid = hexToBytes((options.aaguid ?? '00000000-0000-0000-0000-000000000000').replaceAll('-', ''));
  const backupEligible = options.backupEligible ?? true;
  const step = options.counterStep ?? 1;

  async function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin = options.origin) {
    const json = JSON.stringify({ type, challenge, origin, crossOrigin: false });
    const bytes = new TextEncoder().encode(json);
    return { bytes, hash: new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)) };
  }

  function flags(attested: boolean, presence = { up: true, uv: true }): number {
    // UP (bit 0), UV (bit 2), BE (bit 3), BS (bit 4), AT (bit 6)
    return (presence.up ? 0x01 : 0) | (presence.uv ? 0x04 : 0) | (backupEligible ? 0x08 | 0x10 : 0) | (attested ? 0x40 : 0);
  }

  return {
    credentials,

    /**
     * Answers `navigator.credentials.create()` options. Honours `excludeCredentials`.
     * `userPresent` / `userVerified: false` clear UP / UV, as conditional create may.
     * `credentialId` (base64url) registers a chosen id, as a malicious authenticator could.
     */
    async createCredential(
      creation: PublicKeyCredentialCreationOptionsJSON,
      overrides: { origin?: string; challenge?: string; userPresent?: boolean; userVerified?: boolean; credentialId?: string } = {},
    ): Promise<RegistrationResponseJSON> {
      const rpId = creation.rp.id ?? new URL(options.origin).hostname;
      for (const c of creation.excludeCredentials ?? []) {
        if (credentials.has(c.id)) throw new Error('InvalidStateError: credential already registered (excludeCredentials)');
      }
      const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
      const idBytes = overrides.credentialId ? isoBase64URL.toBuffer(overrides.credentialId) : crypto.getRandomValues(new Uint8Array(32));
      const id = isoBase64URL.fromBuffer(idBytes);
      const cose = isoCBOR.encode(
        new Map<number, number | Uint8Array>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, isoBase64URL.toBuffer(jwk.x!)],
          [-3, isoBase64URL.toBuffer(jwk.y!)],
        ]),
      );
      const authData = concat(
        await sha256(rpId),
        new Uint8Array([flags(true, { up: overrides.userPresent ?? true, uv: overrides.userVerified ?? true })]),
        u32(0),
        aaguid,
        new Uint8Array([idBytes.length >> 8, idBytes.length & 0xff]),
        idBytes,
        cose,
      );
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]) as never,
      );
      const { bytes } = await clientData('webauthn.create', overrides.challenge ?? creation.challenge, overrides.origin);
      credentials.set(id, { id, userHandle: creation.user.id, rpId, counter: 0, privateKey: keyPair.privateKey });
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: isoBase64URL.fromBuffer(bytes),
          attestationObject: isoBase64URL.fromBuffer(attestationObject),
          transports: ['internal'],
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },

    /**
     * Answers `navigator.credentials.get()` options with the first allowed credential (or
     * `credentialId`). `counter` forces the signature counter (to test regression checks).
     */
    async getAssertion(
      request: PublicKeyCredentialRequestOptionsJSON,
      overrides: { credentialId?: string; counter?: number; origin?: string } = {},
    ): Promise<AuthenticationResponseJSON> {
      const allowed = (request.allowCredentials ?? []).map((c) => c.id);
      const id =
        overrides.credentialId ?? allowed.find((a) => credentials.has(a)) ?? (allowed.length ? undefined : [...credentials.keys()][0]);
      const credential = id ? credentials.get(id) : undefined;
      if (!credential) throw new Error('NotAllowedError: no matching credential');
      credential.counter = overrides.counter ?? credential.counter + step;
      const authData = concat(await sha256(request.rpId ?? credential.rpId), new Uint8Array([flags(false)]), u32(credential.counter));
      const { bytes, hash } = await clientData('webauthn.get', request.challenge, overrides.origin);
      const raw = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, credential.privateKey, concat(authData, hash)),
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: isoBase64URL.fromBuffer(bytes),
          authenticatorData: isoBase64URL.fromBuffer(authData),
          signature: isoBase64URL.fromBuffer(new Uint8Array(rawToDer(raw))),
          userHandle: credential.userHandle,
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const hexToBytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

// WebAuthn §6.5.6: ES256 signatures are ASN.1 DER, WebCrypto returns raw r||s.
function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const r = int(raw.slice(0, 32));
  const s = int(raw.slice(32));
  return concat(new Uint8Array([0x30, r.length + s.length]), r, s);
}
