import { descriptorDistance } from '@twofold/protocol';

/** A face template the probe may match: a stored one or the one a client state carries. */
export interface TemplateCandidate {
  deviceId: string;
  template: number[];
  temporary: boolean;
}

/**
 * Where a face distance is decided: the candidate closest to `probe`, and whether it is within
 * `threshold` (the versioned `FACE_MATCH_THRESHOLD`). Fail closed: a distance that is NaN or
 * infinite never matches (`!(d <= t)`, not `d > t`). `candidates` must not be empty.
 */
export function closestTemplate(
  probe: readonly number[],
  candidates: readonly TemplateCandidate[],
  threshold: number,
): { best: TemplateCandidate & { distance: number }; matched: boolean } {
  if (candidates.length === 0) throw new RangeError('closestTemplate: no candidates');
  let best: (TemplateCandidate & { distance: number }) | undefined;
  for (const c of candidates) {
    const distance = descriptorDistance(probe, c.template);
    // A NaN distance is never "closer": it can only be chosen when nothing else is comparable.
    if (!best || distance < best.distance || Number.isNaN(best.distance)) best = { ...c, distance };
  }
  return { best: best!, matched: best!.distance <= threshold };
}
