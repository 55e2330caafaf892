import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assertFacePeers, FACE_INSTALL_COMMAND, FACE_PEER_DEPENDENCIES, missingFacePeers } from './dependencies.js';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

// An app folder outside the workspace: nothing resolves from it.
const app = mkdtempSync(join(tmpdir(), 'twofold-no-face-'));
const fromApp = pathToFileURL(join(app, 'index.js'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the face stack is an optional peer of @twofold/server', () => {
  it('package.json lists exactly these as optional peers (and not as dependencies)', () => {
    for (const [name, range] of Object.entries(FACE_PEER_DEPENDENCIES)) {
      expect(manifest.peerDependencies[name]).toBe(range);
      expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true);
      expect(manifest.dependencies[name]).toBeUndefined();
      expect(manifest.devDependencies[name]).toBe(range);
    }
    expect(manifest.dependencies['@vladmandic/human']).toBeUndefined();
  });

  it('names one npm install line with every package and version', () => {
    expect(FACE_INSTALL_COMMAND).toBe(
      'npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 @vladmandic/face-api@1.7.15 sharp@0.35.5',
    );
  });

  it('finds them installed in the workspace', () => {
    expect(missingFacePeers()).toEqual([]);
    expect(() => assertFacePeers()).not.toThrow();
  });

  it('from an app without them: every one is missing and the error names the install line', () => {
    expect(missingFacePeers(fromApp)).toEqual(Object.keys(FACE_PEER_DEPENDENCIES));
    expect(() => assertFacePeers(fromApp)).toThrow(FACE_INSTALL_COMMAND);
    expect(() => assertFacePeers(fromApp)).toThrow(
      /missing: @tensorflow\/tfjs, @tensorflow\/tfjs-backend-wasm, @vladmandic\/face-api, sharp/,
    );
  });

  it('createFaceAnalyzer() throws that error, before starting a worker, when they do not resolve', async () => {
    // The real check, pointed at the app folder without them (as from a passkey-only install).
    vi.resetModules();
    vi.doMock('./dependencies.js', async (original) => {
      const actual = await original<typeof import('./dependencies.js')>();
      return { ...actual, assertFacePeers: () => actual.assertFacePeers(fromApp) };
    });
    try {
      const { createFaceAnalyzer } = await import('./index.js');
      expect(() => createFaceAnalyzer({ threads: 1 })).toThrow(FACE_INSTALL_COMMAND);
      const { createFacePipeline } = await import('./pipeline.js');
      await expect(createFacePipeline()).rejects.toThrow(FACE_INSTALL_COMMAND);
    } finally {
      vi.doUnmock('./dependencies.js');
      vi.resetModules();
    }
  });
});
