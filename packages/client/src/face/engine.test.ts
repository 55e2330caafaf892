import { describe, expect, it, vi } from 'vitest';
import { isTwofoldClientError } from '../errors.js';

// As when the app did not install the optional face stack: loading face-api fails.
vi.mock('@vladmandic/face-api', () => {
  throw new Error("Cannot find package '@vladmandic/face-api'");
});

describe('createFaceEngine without face-api installed', () => {
  it('rejects with NOT_CONFIGURED naming the npm install line', async () => {
    const { createFaceEngine } = await import('./engine.js');
    const error = await createFaceEngine({ modelBaseUrl: '/m', wasmBaseUrl: '/w/' }).catch((e: unknown) => e);
    expect(isTwofoldClientError(error, 'NOT_CONFIGURED')).toBe(true);
    expect((error as Error).message).toContain('npm install @vladmandic/face-api@1.7.15 @tensorflow/tfjs-backend-wasm@4.22.0');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
