/**
 * @twofold/testing/faces — Node-only face location with face-api (SSD MobileNet v1, 68 landmarks,
 * 128-d descriptor) on tfjs's WASM backend. Separate from the main entry because it loads tfjs.
 */
export * from './face-locate.js';
