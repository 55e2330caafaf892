import type { CDPSession, Page } from 'playwright-core';

export interface VirtualAuthenticatorOptions {
  /** Default `ctap2`. */
  protocol?: 'ctap2' | 'u2f';
  /** Default `internal` (a platform authenticator, like Touch ID or Windows Hello). */
  transport?: 'internal' | 'usb' | 'nfc' | 'ble' | 'hybrid';
  /** Can hold discoverable credentials (passkeys). Default true. */
  hasResidentKey?: boolean;
  /** Supports user verification (biometrics/PIN). Default true. */
  hasUserVerification?: boolean;
  /** Whether user verification succeeds. Default true. */
  isUserVerified?: boolean;
  /** Answer user-presence checks without a click. Default true. */
  automaticPresenceSimulation?: boolean;
  /** Supports the PRF extension (WebAuthn L3 §10.1.4). Default false. */
  hasPrf?: boolean;
  /** BE flag of new credentials (a synced passkey, WebAuthn §6.1.3). Default false (Chromium's default). */
  backupEligible?: boolean;
  /** BS flag of new credentials (backed up now). Default false. */
  backedUp?: boolean;
}

/** A credential as Chromium's virtual authenticator reports it (CDP `WebAuthn.Credential`). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
  /** The account name the authenticator shows (updated by `signalCurrentUserDetails`). */
  userName?: string;
  /** The display name the authenticator shows (updated by `signalCurrentUserDetails`). */
  userDisplayName?: string;
}

/** Controls one Chromium virtual authenticator attached to a page. */
export interface VirtualAuthenticator {
  readonly authenticatorId: string;
  readonly cdp: CDPSession;
  /** Make user verification (the "biometric") pass or fail from now on. */
  setUserVerified(verified: boolean): Promise<void>;
  /** Credentials the authenticator holds (credential ids in base64, as CDP gives them). */
  getCredentials(): Promise<VirtualCredential[]>;
  /** Forget every credential. */
  clearCredentials(): Promise<void>;
  /**
   * Puts a credential into the authenticator (e.g. one read with `getCredentials()` earlier, to
   * model a passkey the server no longer knows, or with other names to see a signal update them).
   */
  addCredential(credential: VirtualCredential): Promise<void>;
  /** Removes one credential (CDP base64 id, as `getCredentials()` gives it). */
  removeCredential(credentialId: string): Promise<void>;
  /** Detach the authenticator: the page then has no authenticator. */
  remove(): Promise<void>;
}

/**
 * Adds a Chromium virtual WebAuthn authenticator (Chrome DevTools Protocol `WebAuthn` domain)
 * to `page`, so WebAuthn ceremonies on it complete without hardware. Pages must be served from
 * `http://localhost:PORT` (or HTTPS): Chromium refuses WebAuthn on `http://127.0.0.1`.
 *
 * @example
 * const page = await context.newPage();
 * const authenticator = await addVirtualAuthenticator(page);
 * await page.goto('http://localhost:8080/');
 * await page.getByRole('button', { name: 'Create account' }).click();
 * expect(await authenticator.getCredentials()).toHaveLength(1);
 * await authenticator.setUserVerified(false); // the next ceremony fails user verification
 */
export async function addVirtualAuthenticator(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: options.protocol ?? 'ctap2',
      transport: options.transport ?? 'internal',
      hasResidentKey: options.hasResidentKey ?? true,
      hasUserVerification: options.hasUserVerification ?? true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: options.automaticPresenceSimulation ?? true,
      ...(options.hasPrf && { hasPrf: true }),
      ...(options.backupEligible !== undefined && { defaultBackupEligibility: options.backupEligible }),
      ...(options.backedUp !== undefined && { defaultBackupState: options.backedUp }),
    },
  });
  return {
    authenticatorId,
    cdp,
    async setUserVerified(verified) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: verified });
    },
    async getCredentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials as VirtualCredential[];
    },
    async clearCredentials() {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    },
    async addCredential(credential) {
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    },
    async removeCredential(credentialId) {
      await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId });
    },
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}

/** Converts CDP's base64 credential id to the base64url form WebAuthn JSON and the API use. */
export const credentialIdToBase64Url = (id: string): string => id.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
