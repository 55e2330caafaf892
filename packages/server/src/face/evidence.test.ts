import { FACE_EVIDENCE_LIMITS, type FaceAction, type FaceEvidence } from '@twofold/protocol';
import { describe, expect, it } from 'vitest';
import { isTwofoldError } from '../errors.js';
import type { AnalyzedFace, FrameAnalysis } from './analyzer.js';
import { LIVENESS_RULES, decideLiveness, readEvidence } from './evidence.js';

// 68 landmarks with the three the yaw proxy reads (36, 45 outer eye corners; 30 nose tip).
function landmarks(yaw: number, eyes = 60): { x: number; y: number }[] {
  const points = Array.from({ length: 68 }, () => ({ x: 150, y: 150 }));
  points[36] = { x: 150 - eyes / 2, y: 130 };
  points[45] = { x: 150 + eyes / 2, y: 130 };
  points[30] = { x: 150 + yaw * eyes, y: 160 };
  return points;
}
const person = (seed: number) => Array.from({ length: 128 }, (_, i) => Math.sin(seed * 1000 + i) * 0.09);
const face = (o: { yaw?: number; width?: number; descriptor?: number[]; score?: number } = {}): AnalyzedFace => ({
  box: { x: 100, y: 80, width: o.width ?? 150, height: (o.width ?? 150) * 1.2 },
  score: o.score ?? 0.9,
  landmarks: landmarks(o.yaw ?? 0),
  descriptor: o.descriptor ?? person(1),
});
const frame = (...faces: AnalyzedFace[]): FrameAnalysis => ({ width: 384, height: 384, faces });
const ACTIONS: FaceAction[] = ['turn_left', 'move_closer', 'turn_right'];
const honest = () => [frame(face()), frame(face({ yaw: -0.25 })), frame(face({ width: 190 })), frame(face({ yaw: 0.25 }))];

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (isTwofoldError(error)) return `${error.code}: ${String(error.extensions.reason ?? error.message)}`;
    throw error;
  }
  return 'accepted';
};

describe('decideLiveness', () => {
  it('accepts one face per frame, the poses in order and one person; the probe is the mean of the frontal frames', () => {
    const { probe } = decideLiveness(ACTIONS, honest());
    expect(probe).toHaveLength(128);
    expect(probe.every(Number.isFinite)).toBe(true);
    // the turned frames do not enter the probe
    const turnedElsewhere = honest();
    const near = person(1).map((x, i) => x + (i % 2 ? 0.02 : -0.02));
    turnedElsewhere[1] = frame(face({ yaw: -0.25, descriptor: near }));
    turnedElsewhere[3] = frame(face({ yaw: 0.25, descriptor: near }));
    expect(decideLiveness(ACTIONS, turnedElsewhere).probe).toEqual(probe);
  });

  it('refuses a missing frame, no face, several faces and an undecodable frame', () => {
    expect(refusal(() => decideLiveness(ACTIONS, honest().slice(0, 3)))).toMatch(/missing/);
    const noFace = honest();
    noFace[2] = frame();
    expect(refusal(() => decideLiveness(ACTIONS, noFace))).toMatch(/LIVENESS_FAILED: no face in frame 2/);
    const two = honest();
    two[1] = frame(face({ yaw: -0.25 }), face());
    expect(refusal(() => decideLiveness(ACTIONS, two))).toMatch(/several faces in frame 1/);
    const broken = honest();
    broken[3] = { ...frame(), error: 'not a decodable JPEG or WebP image' };
    expect(refusal(() => decideLiveness(ACTIONS, broken))).toMatch(/frame 3 could not be read/);
  });

  it('ignores a small second face (a poster behind the user), not a second face of adequate size', () => {
    const poster = { ...face({ width: 40 }), descriptor: [] };
    const withPoster = honest();
    withPoster[0] = frame(face(), poster);
    expect(refusal(() => decideLiveness(ACTIONS, withPoster))).toBe('accepted');
  });

  it('refuses a face too small, frames of different sizes', () => {
    const small = honest();
    small[0] = frame(face({ width: 384 * LIVENESS_RULES.minFaceFraction - 1 }));
    expect(refusal(() => decideLiveness(ACTIONS, small))).toMatch(/too small/);
    const resized = honest();
    resized[2] = { ...resized[2]!, width: 500, height: 500 };
    expect(refusal(() => decideLiveness(ACTIONS, resized))).toMatch(/one camera area/);
  });

  it('refuses a neutral frame that does not face the camera (a turn measured from a turned head)', () => {
    const turnedNeutral = honest();
    turnedNeutral[0] = frame(face({ yaw: -0.3 }));
    turnedNeutral[1] = frame(face({ yaw: -0.45 }));
    turnedNeutral[3] = frame(face({ yaw: -0.1 }));
    expect(refusal(() => decideLiveness(ACTIONS, turnedNeutral))).toMatch(/neutral frame does not face the camera/);
  });

  it('refuses a still photo, a turn the wrong way, an action out of order', () => {
    expect(refusal(() => decideLiveness(ACTIONS, [frame(face()), frame(face()), frame(face()), frame(face())]))).toMatch(/frame 1 does not show turn left/);
    const wrongWay = honest();
    wrongWay[1] = frame(face({ yaw: 0.25 }));
    expect(refusal(() => decideLiveness(ACTIONS, wrongWay))).toMatch(/frame 1 does not show turn left/);
    const [n, l, c, r] = honest();
    expect(refusal(() => decideLiveness(ACTIONS, [n!, r!, c!, l!]))).toMatch(/frame 1 does not show turn left/);
    // A turned head can widen the face box: "closer" also keeps the neutral frame's orientation.
    const turnedCloser = honest();
    turnedCloser[2] = frame(face({ width: 190, yaw: -0.2 }));
    expect(refusal(() => decideLiveness(ACTIONS, turnedCloser))).toMatch(/frame 2 does not show move closer/);
  });

  it('refuses another person in any frame (the photo-for-the-neutral-pose swap)', () => {
    const swapped = honest();
    swapped[3] = frame(face({ yaw: 0.25, descriptor: person(2) }));
    expect(refusal(() => decideLiveness(ACTIONS, swapped))).toMatch(/person in frame 3 is not the one/);
  });

  it('fails closed on NaN and Infinity anywhere in the measurements', () => {
    const nanDescriptor = honest();
    nanDescriptor[2] = frame(face({ width: 190, descriptor: person(1).map((x, i) => (i === 5 ? NaN : x)) }));
    expect(refusal(() => decideLiveness(ACTIONS, nanDescriptor))).toMatch(/no usable face/);
    const hugeDescriptor = honest();
    hugeDescriptor[1] = frame(face({ yaw: -0.25, descriptor: person(1).map(() => 1e200) }));
    expect(refusal(() => decideLiveness(ACTIONS, hugeDescriptor))).toMatch(/LIVENESS_FAILED/);
    const nanWidth = honest();
    nanWidth[0] = frame(face({ width: NaN }));
    expect(refusal(() => decideLiveness(ACTIONS, nanWidth))).toMatch(/too small/);
    const infCloser = honest();
    infCloser[2] = frame(face({ width: Infinity }));
    expect(refusal(() => decideLiveness(ACTIONS, infCloser))).toMatch(/does not show move closer/);
    const nanYaw = honest();
    nanYaw[1] = frame({ ...face(), landmarks: landmarks(NaN) });
    expect(refusal(() => decideLiveness(ACTIONS, nanYaw))).toMatch(/does not show turn left/);
    const degenerate = honest();
    degenerate[0] = frame({ ...face(), landmarks: landmarks(0, 0) });
    expect(refusal(() => decideLiveness(ACTIONS, degenerate))).toMatch(/neutral frame cannot be measured/);
  });
});

describe('readEvidence', () => {
  const jpeg = (n = 100) => btoa(String.fromCharCode(0xff, 0xd8, 0xff, ...Array.from({ length: n }, (_, i) => i % 256)));
  const webp = btoa('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ' + 'x'.repeat(50));
  const evidence = (poses: string[], image = jpeg()): FaceEvidence => ({
    version: 2,
    challengeId: 'c1',
    frames: poses.map((pose) => ({ pose: pose as FaceAction, image })),
  });
  const challenge = { id: 'c1', actions: ['turn_right', 'move_closer'] as FaceAction[] };

  it('returns the bytes of JPEG and WebP frames in challenge order', () => {
    expect(readEvidence(evidence(['neutral', 'turn_right', 'move_closer']), challenge).images).toHaveLength(3);
    expect(readEvidence(evidence(['neutral', 'turn_right', 'move_closer'], webp), challenge).images[0]![0]).toBe(0x52);
  });

  it('refuses another challenge, poses in another order or number', () => {
    expect(refusal(() => readEvidence({ ...evidence(['neutral', 'turn_right', 'move_closer']), challengeId: 'c2' }, challenge))).toMatch(/another challenge/);
    expect(refusal(() => readEvidence(evidence(['neutral', 'move_closer', 'turn_right']), challenge))).toMatch(/in this order/);
    expect(refusal(() => readEvidence(evidence(['neutral', 'turn_right']), challenge))).toMatch(/in this order/);
    expect(refusal(() => readEvidence(evidence(['turn_right', 'neutral', 'move_closer']), challenge))).toMatch(/in this order/);
  });

  it('refuses images that are neither JPEG nor WebP, or too large', () => {
    expect(refusal(() => readEvidence(evidence(['neutral', 'turn_right', 'move_closer'], btoa('GIF89a' + 'x'.repeat(40))), challenge))).toMatch(/INVALID_REQUEST: .*neither JPEG nor WebP/);
    expect(refusal(() => readEvidence(evidence(['neutral', 'turn_right', 'move_closer'], jpeg(FACE_EVIDENCE_LIMITS.maxFrameBytes)), challenge))).toMatch(/INVALID_REQUEST: .*at most/);
  });
});
