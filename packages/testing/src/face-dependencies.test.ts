import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FACE_INSTALL_COMMAND, FACE_PEER_DEPENDENCIES, loadSharp, requireFacePeer, resolveFacePeer } from './face-dependencies.js';

const manifest = createRequire(import.meta.url)('../package.json') as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('face helpers: optional peers of @twofold/testing', () => {
  it('package.json lists them as optional peers, not dependencies', () => {
    for (const [name, range] of Object.entries(FACE_PEER_DEPENDENCIES)) {
      expect(manifest.peerDependencies[name]).toBe(range);
      expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true);
      expect(manifest.dependencies[name]).toBeUndefined();
    }
    expect(FACE_INSTALL_COMMAND).toBe(
      'npm install --save-dev @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 @vladmandic/face-api@1.7.15 sharp@0.35.5',
    );
  });

  it('a missing one is reported with the install command', () => {
    expect(() => requireFacePeer('@twofold/not-installed', 'renderFacePose')).toThrow(
      `renderFacePose needs the face helpers' packages, which are optional and not installed here (@twofold/not-installed is missing). Install them:\n  ${FACE_INSTALL_COMMAND}`,
    );
    expect(() => resolveFacePeer('@twofold/not-installed/package.json', 'samplePerson')).toThrow(FACE_INSTALL_COMMAND);
  });

  it('installed ones load', () => {
    expect(typeof loadSharp('test')).toBe('function');
  });
});
