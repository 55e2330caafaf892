/**
 * Seeded randomness for the face helpers and the benches that draw what they draw (not exported by
 * the package: imported by path).
 * @module
 */

/**
 * A small, fast seeded PRNG (mulberry32), uniform in [0, 1): the same seed gives the same sequence
 * on every run and machine.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
