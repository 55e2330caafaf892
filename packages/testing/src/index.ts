/**
 * @twofold/testing — helpers for testing apps that use Twofold.
 * - {@link addVirtualAuthenticator}: Chromium virtual WebAuthn authenticators for Playwright.
 * - {@link createSoftAuthenticator}: a software authenticator for API tests in Node.
 * - {@link findChromium} / {@link CHROMIUM_ARGS}: launching a system Chromium with playwright-core.
 * - {@link writeFakeCameraY4m} / {@link fakeCameraArgs}: a fake camera from a face image, with scripted motion.
 * - {@link renderFacePose} / {@link samplePerson}: webcam-like JPEG frames of a face in the poses of a face challenge.
 * - {@link installSteerableCamera}: a Playwright camera that follows a face challenge (or holds still, or replays).
 * Face location with face-api (loads tfjs) is in `@twofold/testing/faces`.
 */
export * from './virtual-authenticator.js';
export * from './soft-authenticator.js';
export * from './chromium.js';
export * from './fake-camera.js';
export * from './face-poses.js';
export * from './steerable-camera.js';
