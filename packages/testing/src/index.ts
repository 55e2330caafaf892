/**
 * @twofold/testing — helpers for testing apps that use Twofold.
 * - {@link addVirtualAuthenticator}: Chromium virtual WebAuthn authenticators for Playwright.
 * - {@link createSoftAuthenticator}: a software authenticator for API tests in Node.
 * - {@link findChromium} / {@link CHROMIUM_ARGS}: launching a system Chromium with playwright-core.
 * - {@link writeFakeCameraY4m} / {@link fakeCameraArgs}: a fake camera from a face image, with scripted motion.
 */
export * from './virtual-authenticator.js';
export * from './soft-authenticator.js';
export * from './chromium.js';
export * from './fake-camera.js';
