import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { addImageNormalizationMetadata, readTfliteMetadata } from './tflite-metadata.js';

const require = createRequire(import.meta.url);
const model = new Uint8Array(
  readFileSync(join(dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite')),
);
const META = { name: 'BlazeFace short-range', mean: [127.5], std: [127.5], inputs: ['input'], outputs: ['regressors', 'classificators'] };

/** Reads a table field's position (0 when absent). */
const field = (bb: ByteBuffer, table: number, i: number) => bb.__offset(table, 4 + 2 * i);
const vector = (bb: ByteBuffer, at: number) => {
  const v = bb.__vector(at);
  return Array.from({ length: bb.__vector_len(at) }, (_, i) => v + 4 * i + bb.readUint32(v + 4 * i));
};
/** Model.subgraphs[0]: tensor count and the names of its tensors, to compare before and after. */
function subgraphTensors(bytes: Uint8Array) {
  const bb = new ByteBuffer(bytes);
  const root = bb.readUint32(0);
  const [subgraph] = vector(bb, root + field(bb, root, 2));
  return vector(bb, subgraph! + field(bb, subgraph!, 0)).map((t) => bb.__string(t + field(bb, t, 3)));
}

describe('addImageNormalizationMetadata', () => {
  it('adds a TFLITE_METADATA buffer with the image normalization, keeping the model readable', () => {
    expect(readTfliteMetadata(model)).toBeNull();
    const out = addImageNormalizationMetadata(model, META);
    expect(new ByteBuffer(out).getBufferIdentifier()).toBe('TFL3');
    expect(subgraphTensors(out)).toEqual(subgraphTensors(model));
    expect(subgraphTensors(out).length).toBeGreaterThan(10);

    const meta = readTfliteMetadata(out)!;
    const bb = new ByteBuffer(meta);
    expect(bb.getBufferIdentifier()).toBe('M001');
    const root = bb.readUint32(0);
    expect(bb.__string(root + field(bb, root, 0))).toBe('BlazeFace short-range');
    const [subgraph] = vector(bb, root + field(bb, root, 3));
    const [input] = vector(bb, subgraph! + field(bb, subgraph!, 2));
    expect(vector(bb, subgraph! + field(bb, subgraph!, 3))).toHaveLength(2);
    const content = bb.__indirect(input! + field(bb, input!, 3));
    expect(bb.readUint8(content + field(bb, content, 0))).toBe(2); // ContentProperties.ImageProperties
    const [unit] = vector(bb, input! + field(bb, input!, 4));
    expect(bb.readUint8(unit! + field(bb, unit!, 0))).toBe(1); // ProcessUnitOptions.NormalizationOptions
    const options = bb.__indirect(unit! + field(bb, unit!, 1));
    const floats = (i: number) => {
      const at = options + field(bb, options, i);
      return Array.from({ length: bb.__vector_len(at) }, (_, k) => bb.readFloat32(bb.__vector(at) + 4 * k));
    };
    expect(floats(0)).toEqual([127.5]);
    expect(floats(1)).toEqual([127.5]);
  });

  it('keeps the original bytes 16-byte aligned (tensor data alignment)', () => {
    const out = addImageNormalizationMetadata(model, META);
    const at = out.length - model.length - ((16 - (model.length % 16)) % 16);
    expect(at % 16).toBe(0);
    expect(Buffer.from(out.subarray(at, at + model.length)).equals(Buffer.from(model))).toBe(true);
  });

  it('refuses a model that already has metadata, and bytes that are not a TFLite model', () => {
    const out = addImageNormalizationMetadata(model, META);
    expect(() => addImageNormalizationMetadata(out, META)).toThrow(/already has TFLite metadata/);
    expect(() => addImageNormalizationMetadata(new Uint8Array(64), META)).toThrow(/not a TFLite model/);
  });
});
