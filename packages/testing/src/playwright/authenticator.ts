import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  credentialIdToBase64Url,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from '../virtual-authenticator.js';

/**
 * Which virtual authenticator backs the `authenticator` fixture:
 * - `cdp`: Chromium's own virtual authenticator (Chrome DevTools Protocol `WebAuthn` domain),
 *   inside the browser's real WebAuthn stack. Chromium only. Everything: user verification on/off,
 *   presence, backup flags, bogus signatures, removal.
 * - `playwright`: Playwright's built-in `browserContext.credentials` (Playwright ≥ 1.61), a script
 *   that replaces `navigator.credentials.create/get` in the page and signs in Node. Any browser;
 *   ES256 keys only, attestation `none`, always reports UP + UV, no backup flags, cannot be removed.
 * - `auto` (default): `cdp` on Chromium, `playwright` elsewhere.
 */
export type AuthenticatorBackend = 'cdp' | 'playwright' | 'auto';

/** What a back-end can do; a method whose capability is false throws a clear error. */
export interface AuthenticatorCapabilities {
  /** `setUserVerified(false)`: make the "biometric" fail. */
  userVerification: boolean;
  /** `setUserPresence(false)`: the user never touches the authenticator. */
  userPresence: boolean;
  /** `setBackupFlags(...)`: BE/BS flags of a credential. */
  backupFlags: boolean;
  /** `remove()`: detach the authenticator from the device. */
  remove: boolean;
  /** Key types it can create: `ES256` for both; `cdp` also RS256 and EdDSA (measured on Chromium 156). */
  algorithms: readonly string[];
}

/** A credential held by the authenticator, the same shape for both back-ends (base64url everywhere). */
export interface TestCredential {
  /** Credential id, base64url (as WebAuthn JSON and the Twofold API spell it). */
  id: string;
  rpId: string;
  /** User handle, base64url: for Twofold, the user id. */
  userHandle: string;
  /** PKCS#8 private key, base64url (DER). Keep it to inject the same passkey later. */
  privateKey: string;
  /** Signature counter as of the last assertion. */
  signCount: number;
  /** Discoverable (a passkey). */
  isResident: boolean;
}

/** Options of {@link TestAuthenticator.addCredential}. */
export interface AddTestCredentialOptions {
  rpId: string;
  /** base64url; a fresh random id by default. */
  id?: string;
  /** base64url; for Twofold, the user id. A fresh random handle by default. */
  userHandle?: string;
  /** base64url PKCS#8 (DER) P-256 key; a fresh key by default. */
  privateKey?: string;
  /** The counter the next assertion continues from. Default 0. */
  signCount?: number;
}

/** Options of {@link TestAuthenticator.setBackupFlags}. */
export interface SetBackupFlagsOptions {
  /** base64url credential id. */
  credentialId: string;
  /** BE: the credential may be synced. */
  backupEligible?: boolean;
  /** BS: the credential is backed up now. */
  backedUp?: boolean;
}

/** One virtual platform authenticator: a "device" in a test. */
export interface TestAuthenticator {
  /** The back-end actually in use (`auto` resolved). */
  readonly backend: 'cdp' | 'playwright';
  readonly capabilities: AuthenticatorCapabilities;
  /** The CDP authenticator (`cdp` back-end only), for anything this interface does not cover. */
  readonly cdp?: VirtualAuthenticator;
  /** Credentials it holds, optionally for one RP ID. */
  credentials(options?: { rpId?: string }): Promise<TestCredential[]>;
  /** Puts a credential into the authenticator (a passkey registered elsewhere, or a fresh one) and returns it. */
  addCredential(options: AddTestCredentialOptions): Promise<TestCredential>;
  /** Removes one credential (base64url id): the device "forgot" the passkey. */
  removeCredential(credentialId: string): Promise<void>;
  /** Removes every credential. */
  clearCredentials(): Promise<void>;
  /** Sets a credential's signature counter (e.g. lower it to test the server's regression check). */
  setSignCount(credentialId: string, signCount: number): Promise<void>;
  /** Makes user verification (the "biometric") pass or fail from now on. `cdp` only. */
  setUserVerified(verified: boolean): Promise<void>;
  /** With `false`, ceremonies wait for a touch that never comes (they time out). `cdp` only. */
  setUserPresence(present: boolean): Promise<void>;
  /** Sets a credential's backup flags (BE/BS). `cdp` only (Chromium ≥ 125). */
  setBackupFlags(options: SetBackupFlagsOptions): Promise<void>;
  /** Detaches the authenticator: the device has none from now on. `cdp` only. */
  remove(): Promise<void>;
}

/** Options of {@link createTestAuthenticator}. */
export interface CreateTestAuthenticatorOptions {
  /** The device's page. The `cdp` authenticator is attached to this page (tab); the `playwright` one to its whole context. */
  page: Page;
  /** Default `auto`. */
  backend?: AuthenticatorBackend;
  /** Settings of the `cdp` authenticator (protocol, transport, UV, backup defaults, …). Ignored by `playwright`. */
  virtual?: VirtualAuthenticatorOptions;
}

const b64urlToB64 = (s: string) => Buffer.from(s, 'base64url').toString('base64');
const b64ToB64url = (s: string) => Buffer.from(s, 'base64').toString('base64url');

/**
 * Creates a virtual platform authenticator for a device (a page and its browser context) with one
 * interface over both back-ends (see {@link AuthenticatorBackend}). The `authenticator` fixture of
 * `@twofold/testing/playwright` calls it for the test's `page`; call it yourself for a second device.
 * @example
 * const second = await createTestAuthenticator({ page: await (await browser.newContext()).newPage() });
 * await second.setUserVerified(false); // this device's "biometric" fails
 */
export async function createTestAuthenticator(options: CreateTestAuthenticatorOptions): Promise<TestAuthenticator> {
  const { page } = options;
  const browserName = page.context().browser()?.browserType().name() ?? 'chromium';
  const wanted = options.backend ?? 'auto';
  if (!['cdp', 'playwright', 'auto'].includes(wanted)) throw new Error(`unknown authenticator backend ${wanted}`);
  const backend = wanted === 'auto' ? (browserName === 'chromium' ? 'cdp' : 'playwright') : wanted;
  if (backend === 'cdp' && browserName !== 'chromium') {
    throw new Error(
      `The cdp authenticator needs Chromium (this is ${browserName}); use authenticatorBackend: 'playwright' (Playwright ≥ 1.61) there.`,
    );
  }
  return backend === 'cdp'
    ? cdpAuthenticator(await addVirtualAuthenticator(page, options.virtual))
    : await playwrightAuthenticator(page.context());
}

function cdpAuthenticator(v: VirtualAuthenticator): TestAuthenticator {
  const { cdp, authenticatorId } = v;
  const toTest = (c: Awaited<ReturnType<VirtualAuthenticator['getCredentials']>>[number]): TestCredential => ({
    id: credentialIdToBase64Url(c.credentialId),
    rpId: c.rpId ?? '',
    userHandle: c.userHandle ? b64ToB64url(c.userHandle) : '',
    privateKey: b64ToB64url(c.privateKey),
    signCount: c.signCount,
    isResident: c.isResidentCredential,
  });
  const self: TestAuthenticator = {
    backend: 'cdp',
    capabilities: { userVerification: true, userPresence: true, backupFlags: true, remove: true, algorithms: ['ES256', 'RS256', 'EdDSA'] },
    cdp: v,
    async credentials(filter = {}) {
      return (await v.getCredentials()).map(toTest).filter((c) => !filter.rpId || c.rpId === filter.rpId);
    },
    async addCredential(o) {
      const fresh = freshCredential(o);
      await v.addCredential({
        credentialId: b64urlToB64(fresh.id),
        isResidentCredential: true,
        rpId: fresh.rpId,
        privateKey: b64urlToB64(fresh.privateKey),
        userHandle: b64urlToB64(fresh.userHandle),
        signCount: fresh.signCount,
      });
      return fresh;
    },
    async removeCredential(id) {
      await v.removeCredential(b64urlToB64(id));
    },
    clearCredentials: () => v.clearCredentials(),
    async setSignCount(id, signCount) {
      const raw = (await v.getCredentials()).find((c) => credentialIdToBase64Url(c.credentialId) === id);
      if (!raw) throw new Error(`no credential ${id} in this authenticator`);
      await v.removeCredential(raw.credentialId);
      await v.addCredential({ ...raw, signCount });
    },
    setUserVerified: (verified) => v.setUserVerified(verified),
    async setUserPresence(present) {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: present });
    },
    async setBackupFlags(o) {
      await cdp.send('WebAuthn.setCredentialProperties', {
        authenticatorId,
        credentialId: b64urlToB64(o.credentialId),
        ...(o.backupEligible !== undefined && { backupEligibility: o.backupEligible }),
        ...(o.backedUp !== undefined && { backupState: o.backedUp }),
      });
    },
    remove: () => v.remove(),
  };
  return self;
}

async function playwrightAuthenticator(context: BrowserContext): Promise<TestAuthenticator> {
  const credentials = (context as BrowserContext & { credentials?: PlaywrightCredentials }).credentials;
  if (!credentials?.install)
    throw new Error('This Playwright has no browserContext.credentials: it needs Playwright ≥ 1.61 (or use the cdp back-end on Chromium).');
  const unsupported = (what: string) => async () => {
    throw new Error(`The playwright authenticator back-end cannot ${what}: use the cdp back-end (Chromium) for that.`);
  };
  const toTest = (c: PlaywrightCredential): TestCredential => ({ ...c, isResident: true });
  // Installed before the device's page loads anything, so no WebAuthn call slips past it.
  await credentials.install();
  return {
    backend: 'playwright',
    capabilities: { userVerification: false, userPresence: false, backupFlags: false, remove: false, algorithms: ['ES256'] },
    async credentials(filter = {}) {
      return (await credentials.get(filter.rpId ? { rpId: filter.rpId } : undefined)).map(toTest);
    },
    async addCredential(o) {
      const fresh = freshCredential(o);
      const { publicKey } = keyPairFrom(fresh.privateKey);
      return toTest(
        await credentials.create(fresh.rpId, {
          id: fresh.id,
          userHandle: fresh.userHandle,
          privateKey: fresh.privateKey,
          publicKey,
          signCount: fresh.signCount,
        }),
      );
    },
    async removeCredential(id) {
      await credentials.delete(id);
    },
    async clearCredentials() {
      for (const c of await credentials.get()) await credentials.delete(c.id);
    },
    async setSignCount(id, signCount) {
      const [c] = await credentials.get({ id });
      if (!c) throw new Error(`no credential ${id} in this authenticator`);
      await credentials.delete(id);
      await credentials.create(c.rpId, { id: c.id, userHandle: c.userHandle, privateKey: c.privateKey, publicKey: c.publicKey, signCount });
    },
    setUserVerified: unsupported('fail user verification (it always reports UV)'),
    setUserPresence: unsupported('withhold user presence (it always reports UP)'),
    setBackupFlags: unsupported('set backup flags (it never sets BE/BS)'),
    remove: unsupported('be removed (it stays installed for the context)'),
  };
}

interface PlaywrightCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: string;
  publicKey: string;
  signCount: number;
}
/** `browserContext.credentials` (Playwright ≥ 1.61), typed here so older Playwright type-checks. */
interface PlaywrightCredentials {
  install(): Promise<void>;
  create(rpId: string, options?: Partial<Omit<PlaywrightCredential, 'rpId'>>): Promise<PlaywrightCredential>;
  get(options?: { id?: string; rpId?: string }): Promise<PlaywrightCredential[]>;
  delete(id: string): Promise<void>;
}

function freshCredential(o: AddTestCredentialOptions): TestCredential {
  if (!o.rpId) throw new Error('addCredential: rpId is required');
  const signCount = o.signCount ?? 0;
  if (!(Number.isInteger(signCount) && signCount >= 0 && signCount <= 0xffffffff))
    throw new Error('signCount must be an integer in 0..2^32-1');
  const privateKey =
    o.privateKey ??
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url');
  return {
    id: o.id ?? randomBytes(16).toString('base64url'),
    rpId: o.rpId,
    userHandle: o.userHandle ?? randomBytes(16).toString('base64url'),
    privateKey,
    signCount,
    isResident: true,
  };
}

function keyPairFrom(privateKey: string): { publicKey: string } {
  const key = createPrivateKey({ key: Buffer.from(privateKey, 'base64url'), format: 'der', type: 'pkcs8' });
  return { publicKey: createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64url') };
}
