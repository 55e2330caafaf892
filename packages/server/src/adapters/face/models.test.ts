import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDORED_MODEL_DIR } from './pipeline.js';

// The BlazeFace model is vendored from @vladmandic/human 3.3.6 (models/README.md): the pipeline's
// model name and threshold hold for these exact bytes only.
describe('vendored BlazeFace model', () => {
  it.each([
    ['blazeface.json', 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f'],
    ['blazeface.bin', 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72'],
  ])('%s has the bytes of @vladmandic/human 3.3.6', (file, sha256) => {
    expect(
      createHash('sha256')
        .update(readFileSync(join(VENDORED_MODEL_DIR, file)))
        .digest('hex'),
    ).toBe(sha256);
  });

  it('ships its licences and is listed in the package files', () => {
    for (const f of ['LICENSE.human', 'LICENSE.mediapipe-apache-2.0', 'README.md'])
      expect(readFileSync(join(VENDORED_MODEL_DIR, f), 'utf8').length).toBeGreaterThan(100);
    const manifest = JSON.parse(readFileSync(join(VENDORED_MODEL_DIR, '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('models');
  });
});
