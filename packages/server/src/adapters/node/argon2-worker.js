// @ts-check
/**
 * The worker-thread half of `createWorkerPinHasher` (piscina runs this file in each thread).
 * Plain JavaScript, so it loads as it is from src/ (source runs, tests) and from dist/ alike.
 * It only runs argon2id; parameters and salt come from the main thread (`ARGON2_PARAMS`).
 */
import { argon2id, argon2Verify } from 'hash-wasm';

/**
 * @param {{ op: 'hash', password: string, salt: Uint8Array, params: { parallelism: number, iterations: number, memorySize: number, hashLength: number } }
 *   | { op: 'verify', password: string, hash: string }} task
 * @returns {Promise<string | boolean>}
 */
export default function run(task) {
  if (task.op === 'hash') return argon2id({ password: task.password, salt: task.salt, ...task.params, outputType: 'encoded' });
  if (task.op === 'verify') return argon2Verify({ password: task.password, hash: task.hash });
  return Promise.reject(new TypeError('unknown argon2 task'));
}
