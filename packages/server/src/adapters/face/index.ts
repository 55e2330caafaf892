/**
 * `@twofold/server/face` — the face analyzer for Node: face-api (SSD MobileNet v1, 68 landmarks,
 * 128-d descriptor) on TensorFlow.js's WASM backend, in a pool of worker threads, so face work
 * never runs on the event loop that serves passkey sign-ins.
 *
 * @example
 * const faceAnalyzer = createFaceAnalyzer();
 * const twofold = createTwofold({ store, rp, secretKeys, faceAnalyzer });
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { TwofoldError } from '../../errors.js';
import type { AnalyzeFramesOptions, FaceAnalyzer, FrameAnalysis } from '../../face/analyzer.js';
import { FACE_PIPELINE_MODEL } from './pipeline.js';

export { createFacePipeline, FACE_PIPELINE_MODEL, type FacePipeline, type FacePipelineOptions } from './pipeline.js';

/** Options of {@link createFaceAnalyzer}. */
export interface CreateFaceAnalyzerOptions {
  /** Worker threads, each with its own copy of the models (~30 MB). Default: the number of cores. */
  threads?: number;
  /**
   * Face checks (each a few frames) allowed in the pool at once, running or waiting; more answer
   * `FACE_BUSY` (503, Retry-After) at once instead of queueing. Default: 4 per thread.
   */
  maxPending?: number;
}

/**
 * Starts the worker pool (the models load in each thread at start: a second or two) and returns
 * the analyzer for `createTwofold({ faceAnalyzer })`. Call `close()` on shutdown.
 */
export function createFaceAnalyzer(options: CreateFaceAnalyzerOptions = {}): FaceAnalyzer & { ready(): Promise<void> } {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const maxPending = Math.max(1, options.maxPending ?? threads * 4);
  const pool = new Piscina({
    filename: workerFilename(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  let pending = 0;
  return {
    model: FACE_PIPELINE_MODEL,
    saturated: () => pending >= maxPending,
    async analyze({ images, signal }: AnalyzeFramesOptions): Promise<FrameAnalysis[]> {
      if (pending >= maxPending) throw new TwofoldError('FACE_BUSY', 'Face checks are busy right now; try again in a few seconds.', { retryAfterSeconds: 5 });
      pending++;
      try {
        // One task per frame: the frames of one check spread over the threads.
        return await Promise.all(images.map((image) => pool.run({ image }, signal ? { signal } : {}) as Promise<FrameAnalysis>));
      } finally {
        pending--;
      }
    },
    /** Resolves once every thread has loaded its models (a tiny task on each). */
    async ready() {
      await Promise.all(Array.from({ length: threads }, () => pool.run({ image: new Uint8Array(0) })));
    },
    close: () => pool.destroy(),
  };
}

/**
 * The worker's module: `worker.js` beside this file once built; from source (tsx, vitest: this
 * file is `.ts`) a small module that registers tsx in the worker thread and loads `worker.ts`.
 */
function workerFilename(): string {
  return new URL(import.meta.url.endsWith('.ts') ? './worker-from-source.mjs' : './worker.js', import.meta.url).href;
}
