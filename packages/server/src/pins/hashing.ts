import { argon2id, argon2Verify } from 'hash-wasm';
import { TwofoldError } from '../errors.js';

/**
 * argon2id with OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane): ~70 ms of CPU. Every
 * {@link PinHasher} hashes with exactly these (the encoded hash carries them, so a change here
 * only affects new hashes).
 */
export const ARGON2_PARAMS = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;

/**
 * Runs argon2id for PINs. The core stays runtime-agnostic: {@link inlinePinHasher} (the default)
 * runs on the calling thread; on Node pass `createWorkerPinHasher()` from
 * `@twofold/server/node`, which runs it in worker threads, off the event loop. Either way,
 * Twofold admits at most `PinSettings.hashConcurrency` hashes at once (see {@link createHashGate}).
 */
export interface PinHasher {
  /** argon2id of `password` with `salt` and {@link ARGON2_PARAMS}, PHC-encoded (`$argon2id$v=19$m=…`). */
  hash(options: { password: string; salt: Uint8Array }): Promise<string>;
  /** Whether `password` matches the PHC-encoded argon2id `hash`. */
  verify(options: { password: string; hash: string }): Promise<boolean>;
  /** How many hashes it runs in parallel (a worker pool's thread count); the default gate width. */
  readonly concurrency?: number;
}

/**
 * argon2id with `hash-wasm` (WebAssembly) on the calling thread: works on every runtime, but each
 * hash blocks that thread's event loop for ~70 ms. The default; prefer a worker pool on Node.
 */
export const inlinePinHasher: PinHasher = {
  hash: ({ password, salt }) => argon2id({ password, salt, ...ARGON2_PARAMS, outputType: 'encoded' }),
  verify: ({ password, hash }) => argon2Verify({ password, hash }),
  concurrency: 1,
};

/** Options of {@link createHashGate}. */
export interface HashGateOptions {
  /** Hashes running at once (≥ 1). */
  concurrency: number;
  /** Callers waiting for a slot (≥ 0); one more is refused with `SERVER_BUSY`. */
  maxQueue: number;
}

/** A per-instance admission gate in front of the slow hash. See {@link createHashGate}. */
export interface HashGate {
  /**
   * Runs `task` once fewer than `concurrency` tasks run, waiting in a queue of at most `maxQueue`;
   * throws `SERVER_BUSY` (503, retry after 1 s) at once when the queue is full — before `task`
   * runs, so nothing it would count (a PIN attempt) is spent. Same as `admit().run(task)`.
   */
  run<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Takes a place for one task now, or throws `SERVER_BUSY` at once: take it before counting a
   * rate limit, so a busy server refuses without spending the caller's points. The place counts
   * as queued until the ticket runs or is cancelled; use the ticket exactly once.
   */
  admit(): HashTicket;
  /** Tasks running now, and waiting or admitted (for tests and metrics). */
  readonly load: { running: number; queued: number };
}

/** A place at the {@link HashGate}, from {@link HashGate.admit}. */
export interface HashTicket {
  /** Runs `task` in this place: at once if a slot is free, else after those waiting. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back unused. */
  cancel(): void;
}

/**
 * A counting semaphore with a bounded queue, so a burst of PIN requests cannot pile unbounded
 * work (and memory: 19 MiB per hash) onto the server. Per instance: never a module global.
 */
export function createHashGate(options: HashGateOptions): HashGate {
  const concurrency = Math.floor(options.concurrency);
  const maxQueue = Math.floor(options.maxQueue);
  // Fail closed on nonsense (NaN, 0, negative): a misconfiguration must not mean "unbounded".
  if (!(concurrency >= 1)) throw new TypeError(`hash concurrency must be ≥ 1, got ${options.concurrency}`);
  if (!(maxQueue >= 0)) throw new TypeError(`hash queue must be ≥ 0, got ${options.maxQueue}`);
  let running = 0;
  let admitted = 0; // places taken by tickets not yet run
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const admit = (): HashTicket => {
    // Every place (running, waiting or admitted) counts: together at most concurrency + maxQueue,
    // so an admitted ticket always finds a slot or room in the queue when it runs.
    if (!(running + waiting.length + admitted < concurrency + maxQueue)) {
      throw new TwofoldError('SERVER_BUSY', 'The server is busy checking other PINs; try again in a moment.', { retryAfterSeconds: 1 });
    }
    admitted++;
    let used = false;
    const use = () => {
      if (used) throw new TypeError('HashTicket: used twice');
      used = true;
      admitted--;
    };
    return {
      async run<T>(task: () => Promise<T>): Promise<T> {
        use();
        if (running < concurrency) running++;
        else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
        try {
          return await task();
        } finally {
          release();
        }
      },
      cancel: use,
    };
  };
  return {
    run: (task) => admit().run(task),
    admit,
    get load() {
      return { running, queued: waiting.length + admitted };
    },
  };
}
