/**
 * @twofold/testing — helpers for testing apps that use Twofold.
 * - {@link addVirtualAuthenticator}: Chromium virtual WebAuthn authenticators for Playwright.
 * - {@link createSoftAuthenticator}: a software authenticator for API tests in Node.
 * - {@link findChromium} / {@link CHROMIUM_ARGS}: launching a system Chromium with playwright-core.
 */
export * from './virtual-authenticator.js';
export * from './soft-authenticator.js';
export * from './chromium.js';
