/**
 * `@twofold/server/face` — the face analyzer for Node: BlazeFace finds the face, face-api's
 * nets place 68 landmarks and describe the aligned face (128-d), on TensorFlow.js's WASM backend, in a pool of worker threads, so face work
 * never runs on the event loop that serves passkey sign-ins.
 *
 * The face stack is an optional part of `@twofold/server` (optional peer dependencies): install it
 * with `npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
 * @vladmandic/face-api@1.7.15 sharp@0.35.5` ({@link FACE_INSTALL_COMMAND}). Without it this module
 * still loads; `createFaceAnalyzer()` throws, naming that command.
 *
 * @example
 * const faceAnalyzer = createFaceAnalyzer();
 * const twofold = createTwofold({ store, rp, secretKeys, faceAnalyzer });
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { createFaceAdmission, type FaceAdmission } from '../../face/index.js';
import type { AdmitFaceCheckOptions, AnalyzeFramesOptions, FaceAnalyzer, FaceTicket, FrameAnalysis } from '../../face/index.js';
import { assertFacePeers } from './dependencies.js';
import { FACE_PIPELINE_MODEL } from './pipeline.js';

export { createFacePipeline, FACE_PIPELINE_MODEL, type FacePipeline, type FacePipelineOptions } from './pipeline.js';
export { FACE_INSTALL_COMMAND, FACE_PEER_DEPENDENCIES, missingFacePeers } from './dependencies.js';

/** Options of {@link createFaceAnalyzer}. */
export interface CreateFaceAnalyzerOptions {
  /** Worker threads, each with its own copy of the models (~30 MB). Default: the number of cores. */
  threads?: number;
  /**
   * The longest expected wait for a check's answer, in ms: a check that would be answered later,
   * behind the checks already admitted, gets `FACE_BUSY` (503, `Retry-After`) at once instead of
   * queueing. The cost per frame is learnt from the frames measured. Default 3000.
   */
  maxWaitMs?: number;
}

/**
 * Starts the worker pool (the models load in each thread at start: a second or two) and returns
 * the analyzer for `createTwofold({ faceAnalyzer })`. Call `close()` on shutdown.
 * @throws Error naming the `npm install` command when the face stack (optional peers) is not installed.
 */
export function createFaceAnalyzer(
  options: CreateFaceAnalyzerOptions = {},
): FaceAnalyzer & { ready(): Promise<void>; readonly admission: FaceAdmission } {
  assertFacePeers();
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const pool = new Piscina({
    filename: workerFilename(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  const admission = createFaceAdmission({ threads, ...(options.maxWaitMs !== undefined && { maxWaitMs: options.maxWaitMs }) });
  let inPool = 0; // frames handed to the pool and not yet answered
  const measure = async ({ images, signal }: AnalyzeFramesOptions): Promise<FrameAnalysis[]> => {
    const ahead = inPool;
    inPool += images.length;
    const started = performance.now();
    try {
      // One task per frame: the frames of one check spread over the threads.
      const result = await Promise.all(images.map((image) => pool.run({ image }, signal ? { signal } : {}) as Promise<FrameAnalysis>));
      // The check waited for the frames ahead of it and its own, spread over the threads.
      admission.observe((performance.now() - started) / Math.ceil((ahead + images.length) / threads));
      return result;
    } finally {
      inPool -= images.length;
    }
  };
  const admit = ({ frames }: AdmitFaceCheckOptions): FaceTicket => {
    const ticket = admission.admit(frames);
    return { analyze: (o) => ticket.run(() => measure(o)), cancel: ticket.cancel };
  };
  return {
    model: FACE_PIPELINE_MODEL,
    admission,
    admit,
    analyze: (o) => admit({ frames: o.images.length }).analyze(o),
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
