/**
 * The match threshold, versioned with the model it was calibrated for: a new model (or a new
 * model version) needs a new calibration with `pnpm bench:face`, and a new entry here.
 * A probe matches a template when their Euclidean descriptor distance is ≤ `value`.
 */
export const FACE_MATCH_THRESHOLD = {
  model: 'face-api@1.7.15 tiny-detector-320 + landmark68 + resnet-128',
  /**
   * 0.6 — face-api's reference value, checked on `../shared/faces` (4 people × 5 grayscale
   * 150 px crops, framed 2x): genuine pairs ≤ 0.593, impostor pairs ≥ 0.651, so FMR 0 % and
   * FNMR 0 % there; framed 3x, one genuine pair is 0.625 (FNMR 2.8 %). The margin is thin and the
   * set tiny: recalibrate on a larger set before production (see BENCHMARKS.md).
   */
  value: 0.6,
} as const;
