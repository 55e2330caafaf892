import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ARGON2_PARAMS, type PinHasher } from '../../pins/index.js';

/** Options of {@link createWorkerPinHasher}. */
export interface WorkerPinHasherOptions {
  /** Worker threads (each runs one argon2id at a time, ~19 MiB). Default: half the cores, at least 1, at most 4. */
  threads?: number;
  /** Idle threads exit after this many ms (they are started again on demand). Default 30,000. */
  idleTimeoutMs?: number;
}

/** A {@link PinHasher} backed by a worker pool; `close()` ends its threads. */
export interface WorkerPinHasher extends PinHasher {
  readonly concurrency: number;
  /** Waits for running hashes, then ends the threads. */
  close(): Promise<void>;
}

/**
 * argon2id (the same `hash-wasm` code and {@link ARGON2_PARAMS} as the core) in a pool of
 * worker threads (`piscina`), so PIN hashing never blocks the event loop. Pass it as
 * `pinHasher` to `createTwofold`: Twofold's gate then admits at most `threads` hashes at once
 * (`pins.hashConcurrency` defaults to it) and queues at most `pins.hashQueue` more. The pool's
 * own queue is a second bound of the same size, never reached through the gate.
 */
export function createWorkerPinHasher(options: WorkerPinHasherOptions = {}): WorkerPinHasher {
  const threads = Math.floor(options.threads ?? Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2))));
  if (!(threads >= 1)) throw new TypeError(`createWorkerPinHasher: threads must be ≥ 1, got ${options.threads}`);
  const pool = new Piscina({
    filename: new URL('./argon2-worker.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    maxQueue: 'auto',
    idleTimeout: options.idleTimeoutMs ?? 30_000,
  });
  return {
    concurrency: threads,
    hash: ({ password, salt }) => pool.run({ op: 'hash', password, salt, params: ARGON2_PARAMS }) as Promise<string>,
    verify: ({ password, hash }) => pool.run({ op: 'verify', password, hash }) as Promise<boolean>,
    close: () => pool.close(),
  };
}
