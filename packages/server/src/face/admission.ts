import { TwofoldError } from '../errors.js';

/**
 * Admission by expected wait, for a face analyzer's queue (runtime-agnostic; the Node analyzer in
 * `@twofold/server/face` uses it): a check is admitted only if, behind everything already admitted,
 * its answer is expected within `maxWaitMs`. The cost per frame is learnt from the frames measured
 * (a moving average), so the bound follows the machine and its load instead of a fixed count.
 */
export interface FaceAdmissionOptions {
  /** Frames measured at once (worker threads). */
  threads: number;
  /** Longest expected wait for an answer, in ms; checks that would wait longer get `FACE_BUSY`. Default 3000. */
  maxWaitMs?: number;
  /** The cost of one frame on one thread before any was measured, in ms. Default 150 (the shipped pipeline measured ~75 ms quiet, up to ~110 ms loaded, on a 2-core host: BENCHMARKS.md). */
  initialMsPerFrame?: number;
}

/** A place taken by {@link FaceAdmission.admit}: run the check with it once, or cancel it. */
export interface FaceAdmissionTicket {
  /** Runs `task` holding the place; the place is given back when it settles. Throws if used twice. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back without running (a no-op once run or cancelled). */
  cancel(): void;
}

export interface FaceAdmission {
  /** Takes a place for `frames` frames, or throws `FACE_BUSY` with `retryAfterSeconds`. */
  admit(frames: number): FaceAdmissionTicket;
  /** Records how long one frame took on one thread (ms), to learn the cost per frame. */
  observe(msPerFrame: number): void;
  /** The expected wait for an answer to a check of `frames` frames admitted now, in ms. */
  expectedWaitMs(frames: number): number;
  /** Frames admitted and not yet answered (for tests and metrics). */
  readonly queuedFrames: number;
}

/** Weight of the newest observation in the moving average of the cost per frame. */
const ALPHA = 0.2;

export function createFaceAdmission(options: FaceAdmissionOptions): FaceAdmission {
  const threads = Math.max(1, Math.floor(options.threads));
  const maxWaitMs = options.maxWaitMs ?? 3000;
  let msPerFrame = options.initialMsPerFrame ?? 150;
  let queued = 0;
  // The answer to a new check comes after the frames ahead of it and its own, spread over the threads.
  const expectedWaitMs = (frames: number) => Math.ceil((queued + frames) / threads) * msPerFrame;
  return {
    admit(frames) {
      const wait = expectedWaitMs(frames);
      // Written so that a NaN estimate refuses (fail closed).
      if (!(wait <= maxWaitMs) && queued > 0) {
        const retryAfterSeconds = Math.min(60, Math.max(1, Math.ceil((wait - maxWaitMs) / 1000)));
        throw new TwofoldError('FACE_BUSY', 'Face checks are busy right now; try again in a few seconds.', { retryAfterSeconds });
      }
      queued += frames;
      let state: 'held' | 'used' | 'released' = 'held';
      const release = () => {
        if (state === 'released') return;
        state = 'released';
        queued -= frames;
      };
      return {
        async run(task) {
          if (state !== 'held') throw new TypeError('FaceAdmissionTicket: used twice or cancelled');
          state = 'used';
          try {
            return await task();
          } finally {
            release();
          }
        },
        cancel: () => {
          if (state === 'held') release();
        },
      };
    },
    observe(ms) {
      // Only plausible measurements teach the average (a NaN or a negative time would poison it).
      if (ms > 0 && ms < 60_000) msPerFrame = (1 - ALPHA) * msPerFrame + ALPHA * ms;
    },
    expectedWaitMs,
    get queuedFrames() {
      return queued;
    },
  };
}
