/**
 * Adds TFLite model metadata (the `TFLITE_METADATA` buffer of metadata_schema.fbs) with an
 * image input's normalization to a `.tflite` model that has none. MediaPipe Tasks refuses a
 * float image input without `NormalizationOptions` ("requires specifying NormalizationOptions
 * metadata to preprocess input images"); the BlazeFace short-range model that
 * `@mediapipe/face_detection` ships on npm predates that metadata, and the Tasks copy of the same
 * model is only published on a CDN. Runtime-agnostic: bytes in, bytes out.
 *
 * How: FlatBuffers point forward only (unsigned offsets), so the original model is kept
 * byte-for-byte at the end of the new file (at a 16-byte-aligned position, so its tensor data
 * stays aligned) and a new root `Model` table is written in front of it. That table reuses
 * every original field and adds one buffer (the metadata) and one `Metadata` entry naming it.
 * Schemas: tensorflow/lite/schema/schema.fbs (Model = version, operator_codes, subgraphs,
 * description, buffers, metadata_buffer, metadata, signature_defs) and
 * tensorflow/lite/experimental/support/metadata/metadata_schema.fbs.
 */
import { Builder, ByteBuffer } from 'flatbuffers';

/** Options of {@link addImageNormalizationMetadata}. */
export interface ImageNormalizationMetadata {
  /** Model name written in the metadata. */
  name: string;
  /** Per-channel (or single) mean and std: `(pixel - mean) / std`. BlazeFace: 127.5 and 127.5 (to [-1, 1]). */
  mean: number[];
  std: number[];
  /** Names of the model's input and output tensors, in order (documentation; Tasks match by position). */
  inputs: string[];
  outputs: string[];
}

const MODEL_FIELDS = [
  'version',
  'operator_codes',
  'subgraphs',
  'description',
  'buffers',
  'metadata_buffer',
  'metadata',
  'signature_defs',
] as const;

/**
 * Returns `model` with metadata declaring its first input an RGB image normalized by `mean`/`std`.
 * @throws Error when `model` is not a TFLite flatbuffer, or already has metadata (returned unchanged is not safe to assume: decide explicitly).
 */
export function addImageNormalizationMetadata(model: Uint8Array, meta: ImageNormalizationMetadata): Uint8Array {
  const bb = new ByteBuffer(model);
  if (model.length < 8 || bb.getBufferIdentifier() !== 'TFL3') throw new Error('not a TFLite model (no TFL3 identifier)');
  const root = bb.readUint32(0);
  const field = (i: number) => bb.__offset(root, 4 + 2 * i); // 0 when absent
  const target = (pos: number) => pos + bb.readUint32(pos); // where a uoffset at `pos` points
  if (field(6)) {
    const vec = bb.__vector(root + field(6));
    for (let i = 0; i < bb.__vector_len(root + field(6)); i++) {
      const entry = target(vec + 4 * i);
      const name = bb.__offset(entry, 4) ? bb.__string(entry + bb.__offset(entry, 4)) : '';
      if (name === 'TFLITE_METADATA') throw new Error('the model already has TFLite metadata');
    }
  }

  const b = new Builder(model.length + 4096);
  // The original bytes last (highest addresses), padded so their start is 16-byte aligned.
  b.prep(16, model.length);
  for (let i = model.length - 1; i >= 0; i--) b.writeInt8(model[i]!);
  const end = b.offset(); // builder offsets count from the end: original position p ↦ end - p
  const old = (pos: number) => end - pos;

  const metadata = buildModelMetadata(meta);
  b.startVector(1, metadata.length, 16);
  for (let i = metadata.length - 1; i >= 0; i--) b.writeInt8(metadata[i]!);
  const data = b.endVector();
  b.startObject(3); // Buffer { data, offset, size }
  b.addFieldOffset(0, data, 0);
  const metadataBuffer = b.endObject();

  const oldBuffers = field(4) ? vectorTargets(bb, root + field(4)) : [];
  const buffers = offsetVector(b, [...oldBuffers.map(old), metadataBuffer]);
  const name = b.createString('TFLITE_METADATA');
  b.startObject(2); // Metadata { name, buffer }
  b.addFieldOffset(0, name, 0);
  b.addFieldInt32(1, oldBuffers.length, null);
  const entry = b.endObject();
  const entries = offsetVector(b, [...(field(6) ? vectorTargets(bb, root + field(6)).map(old) : []), entry]);

  b.startObject(MODEL_FIELDS.length);
  if (field(0)) b.addFieldInt32(0, bb.readUint32(root + field(0)), null);
  for (const i of [1, 2, 3, 5, 7]) if (field(i)) b.addFieldOffset(i, old(target(root + field(i))), 0);
  b.addFieldOffset(4, buffers, 0);
  b.addFieldOffset(6, entries, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** The positions the uoffsets of the vector at field position `at` point to. */
function vectorTargets(bb: ByteBuffer, at: number): number[] {
  const vec = bb.__vector(at);
  return Array.from({ length: bb.__vector_len(at) }, (_, i) => vec + 4 * i + bb.readUint32(vec + 4 * i));
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** A `ModelMetadata` flatbuffer (identifier `M001`): one subgraph, an RGB image input with normalization. */
function buildModelMetadata(meta: ImageNormalizationMetadata): Uint8Array {
  const b = new Builder(1024);
  const floats = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addFloat32(xs[i]!);
    return b.endVector();
  };
  const tensor = (name: string, image: boolean) => {
    const n = b.createString(name);
    let content = 0;
    let units = 0;
    if (image) {
      b.startObject(2); // ImageProperties { color_space: RGB = 1, default_size }
      b.addFieldInt8(0, 1, 0);
      const props = b.endObject();
      b.startObject(3); // Content { content_properties_type, content_properties, range }
      b.addFieldInt8(0, 2, 0); // ContentProperties.ImageProperties
      b.addFieldOffset(1, props, 0);
      content = b.endObject();
      const mean = floats(meta.mean);
      const std = floats(meta.std);
      b.startObject(2); // NormalizationOptions { mean, std }
      b.addFieldOffset(0, mean, 0);
      b.addFieldOffset(1, std, 0);
      const normalization = b.endObject();
      b.startObject(2); // ProcessUnit { options_type, options }
      b.addFieldInt8(0, 1, 0); // ProcessUnitOptions.NormalizationOptions
      b.addFieldOffset(1, normalization, 0);
      units = offsetVector(b, [b.endObject()]);
    }
    b.startObject(5); // TensorMetadata { name, description, dimension_names, content, process_units }
    b.addFieldOffset(0, n, 0);
    if (content) b.addFieldOffset(3, content, 0);
    if (units) b.addFieldOffset(4, units, 0);
    return b.endObject();
  };
  const inputs = offsetVector(
    b,
    meta.inputs.map((n, i) => tensor(n, i === 0)),
  );
  const outputs = offsetVector(
    b,
    meta.outputs.map((n) => tensor(n, false)),
  );
  b.startObject(4); // SubGraphMetadata { name, description, input_tensor_metadata, output_tensor_metadata }
  b.addFieldOffset(2, inputs, 0);
  b.addFieldOffset(3, outputs, 0);
  const subgraph = offsetVector(b, [b.endObject()]);
  const name = b.createString(meta.name);
  const version = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata { name, description, version, subgraph_metadata, author, license, associated_files, min_parser_version }
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(3, subgraph, 0);
  b.addFieldOffset(7, version, 0);
  b.finish(b.endObject(), 'M001');
  return b.asUint8Array().slice();
}

/** Reads back what {@link addImageNormalizationMetadata} wrote: the metadata buffer's bytes, or null. */
export function readTfliteMetadata(model: Uint8Array): Uint8Array | null {
  const bb = new ByteBuffer(model);
  if (model.length < 8 || bb.getBufferIdentifier() !== 'TFL3') return null;
  const root = bb.readUint32(0);
  const at = (table: number, i: number) => bb.__offset(table, 4 + 2 * i);
  if (!at(root, 6) || !at(root, 4)) return null;
  for (const entry of vectorTargets(bb, root + at(root, 6))) {
    if (!at(entry, 0) || bb.__string(entry + at(entry, 0)) !== 'TFLITE_METADATA') continue;
    const index = at(entry, 1) ? bb.readUint32(entry + at(entry, 1)) : 0;
    const buffer = vectorTargets(bb, root + at(root, 4))[index];
    if (buffer === undefined || !at(buffer, 0)) return null;
    const data = buffer + at(buffer, 0);
    return model.subarray(bb.__vector(data), bb.__vector(data) + bb.__vector_len(data));
  }
  return null;
}
