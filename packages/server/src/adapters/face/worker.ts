/** A worker thread of the face pool: loads the models once, then measures one frame per task. */
import { createFacePipeline } from './pipeline.js';
import type { FrameAnalysis } from '../../face/index.js';

const pipeline = await createFacePipeline({
  ...(process.env.TWOFOLD_FACE_MODEL_DIR && { modelDir: process.env.TWOFOLD_FACE_MODEL_DIR }),
  ...(process.env.TWOFOLD_FACE_HUMAN_MODEL_DIR && { humanModelDir: process.env.TWOFOLD_FACE_HUMAN_MODEL_DIR }),
});
await pipeline.warmUp();

/** Piscina task: `{ image }` (the encoded frame) → its {@link FrameAnalysis}. */
export default function analyze(task: { image: Uint8Array }): Promise<FrameAnalysis> {
  return pipeline.analyzeImage(task.image);
}
