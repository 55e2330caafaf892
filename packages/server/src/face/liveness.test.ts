import type { FaceAction, FaceEvidence } from '@twofold/protocol';
import { describe, expect, it } from 'vitest';
import type { CeremonyRecord } from '../ceremonies/store.js';
import { isTwofoldError } from '../errors.js';
import { checkLiveness } from './liveness.js';

const actions: FaceAction[] = ['turn_right', 'move_closer'];
const ceremony: CeremonyRecord = {
  id: 'ch1',
  kind: 'face',
  challenge: 'x',
  userId: 'u1',
  data: { purpose: 'verify', actions },
  createdAt: new Date(0),
  expiresAt: new Date(120_000),
};

function evidence(descriptor: (i: number) => number[]): FaceEvidence {
  const frames: FaceEvidence['frames'] = [];
  let t = 0;
  const push = (yaw: number, width: number, n: number) => {
    for (let i = 0; i < n; i++) frames.push({ t: (t += 66), box: { x: 200, y: 120, width, height: width * 1.2 }, yaw, eyeOpenness: 0.3 });
  };
  push(0, 150, 5);
  push(0.25, 150, 5);
  push(0, 150, 3);
  push(0, 200, 5);
  return { version: 1, challengeId: 'ch1', frame: { width: 640, height: 480 }, frames, descriptors: [0, 1, 2, 3].map(descriptor) };
}
const steady = (i: number) => Array.from({ length: 128 }, (_, k) => 0.05 * Math.sin(k) + i * 1e-4);
const reason = (e: FaceEvidence) => {
  try {
    checkLiveness(ceremony, e);
    return 'passed';
  } catch (error) {
    return isTwofoldError(error, 'LIVENESS_FAILED') ? String(error.extensions.reason) : 'other';
  }
};

describe('checkLiveness', () => {
  it('passes a plausible session that performs the actions in order', () => {
    expect(reason(evidence(steady))).toBe('passed');
  });

  it('fails closed on absurd descriptors (overflow to NaN must not pass the spread check)', () => {
    expect(reason(evidence(() => Array.from({ length: 128 }, () => 1e200)))).toBe('the face changed during the session');
  });

  it('refuses evidence for another challenge, and actions not performed', () => {
    expect(reason({ ...evidence(steady), challengeId: 'other' })).toBe('the evidence answers another challenge');
    const still = evidence(steady);
    still.frames = still.frames.map((f) => ({ ...f, yaw: 0, box: { ...f.box, width: 150 } }));
    expect(reason(still)).toMatch(/requested actions were not seen/);
  });
});
