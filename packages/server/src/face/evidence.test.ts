import { FACE_EVIDENCE_LIMITS, FACE_TARGETS, faceCentre, onTarget, type FaceAction, type FaceEvidence } from '@twofold/protocol';
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

/** The targets the honest frames are at (each action frame's face centre minus the neutral one's). */
const centreOf = (a: FrameAnalysis) => ({
  x: faceCentre(a.faces[0]!.landmarks).x / a.width,
  y: faceCentre(a.faces[0]!.landmarks).y / a.height,
});
const targetsOf = (analyses: FrameAnalysis[]) =>
  analyses.slice(1).map((a) => ({ x: centreOf(a).x - centreOf(analyses[0]!).x, y: centreOf(a).y - centreOf(analyses[0]!).y }));
const CH = { actions: ACTIONS, targets: targetsOf(honest()) };
const moved = (f: FrameAnalysis, dx: number, dy: number): FrameAnalysis => ({
  ...f,
  faces: f.faces.map((x) => ({
    ...x,
    box: { ...x.box, x: x.box.x + dx, y: x.box.y + dy },
    landmarks: x.landmarks.map((p) => ({ x: p.x + dx, y: p.y + dy })),
  })),
});

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
    const { probe } = decideLiveness(CH, honest());
    expect(probe).toHaveLength(128);
    expect(probe.every(Number.isFinite)).toBe(true);
    // the turned frames do not enter the probe
    const turnedElsewhere = honest();
    const near = person(1).map((x, i) => x + (i % 2 ? 0.02 : -0.02));
    turnedElsewhere[1] = frame(face({ yaw: -0.25, descriptor: near }));
    turnedElsewhere[3] = frame(face({ yaw: 0.25, descriptor: near }));
    expect(decideLiveness(CH, turnedElsewhere).probe).toEqual(probe);
  });

  it('refuses a missing frame, no face, several faces and an undecodable frame', () => {
    expect(refusal(() => decideLiveness(CH, honest().slice(0, 3)))).toMatch(/missing/);
    const noFace = honest();
    noFace[2] = frame();
    expect(refusal(() => decideLiveness(CH, noFace))).toMatch(/LIVENESS_FAILED: no face in frame 2/);
    const two = honest();
    two[1] = frame(face({ yaw: -0.25 }), face());
    expect(refusal(() => decideLiveness(CH, two))).toMatch(/several faces in frame 1/);
    const broken = honest();
    broken[3] = { ...frame(), error: 'not a decodable JPEG or WebP image' };
    expect(refusal(() => decideLiveness(CH, broken))).toMatch(/frame 3 could not be read/);
  });

  it('ignores a small second face (a poster behind the user), not a second face of adequate size', () => {
    const poster = { ...face({ width: 40 }), descriptor: [] };
    const withPoster = honest();
    withPoster[0] = frame(face(), poster);
    expect(refusal(() => decideLiveness(CH, withPoster))).toBe('accepted');
  });

  it('refuses a face too small, frames of different sizes', () => {
    const small = honest();
    small[0] = frame(face({ width: 384 * LIVENESS_RULES.minFaceFraction - 1 }));
    expect(refusal(() => decideLiveness(CH, small))).toMatch(/too small/);
    const resized = honest();
    resized[2] = { ...resized[2]!, width: 500, height: 500 };
    expect(refusal(() => decideLiveness(CH, resized))).toMatch(/one camera area/);
  });

  it('refuses a neutral frame that does not face the camera (a turn measured from a turned head)', () => {
    const turnedNeutral = honest();
    turnedNeutral[0] = frame(face({ yaw: -0.3 }));
    turnedNeutral[1] = frame(face({ yaw: -0.45 }));
    turnedNeutral[3] = frame(face({ yaw: -0.1 }));
    expect(refusal(() => decideLiveness(CH, turnedNeutral))).toMatch(/neutral frame does not face the camera/);
  });

  it('refuses a still photo, a turn the wrong way, an action out of order', () => {
    expect(refusal(() => decideLiveness(CH, [frame(face()), frame(face()), frame(face()), frame(face())]))).toMatch(
      /frame 1 does not show turn left/,
    );
    const wrongWay = honest();
    wrongWay[1] = frame(face({ yaw: 0.25 }));
    expect(refusal(() => decideLiveness(CH, wrongWay))).toMatch(/frame 1 does not show turn left/);
    const [n, l, c, r] = honest();
    expect(refusal(() => decideLiveness(CH, [n!, r!, c!, l!]))).toMatch(/frame 1 does not show turn left/);
    // A turned head can widen the face box: "closer" also keeps the neutral frame's orientation.
    const turnedCloser = honest();
    turnedCloser[2] = frame(face({ width: 190, yaw: -0.2 }));
    expect(refusal(() => decideLiveness(CH, turnedCloser))).toMatch(/frame 2 does not show move closer/);
  });

  it('refuses another person in any frame (the photo-for-the-neutral-pose swap)', () => {
    const swapped = honest();
    swapped[3] = frame(face({ yaw: 0.25, descriptor: person(2) }));
    expect(refusal(() => decideLiveness(CH, swapped))).toMatch(/person in frame 3 is not the one/);
  });

  it('fails closed on NaN and Infinity anywhere in the measurements', () => {
    const nanDescriptor = honest();
    nanDescriptor[2] = frame(face({ width: 190, descriptor: person(1).map((x, i) => (i === 5 ? NaN : x)) }));
    expect(refusal(() => decideLiveness(CH, nanDescriptor))).toMatch(/no usable face/);
    const hugeDescriptor = honest();
    hugeDescriptor[1] = frame(face({ yaw: -0.25, descriptor: person(1).map(() => 1e200) }));
    expect(refusal(() => decideLiveness(CH, hugeDescriptor))).toMatch(/LIVENESS_FAILED/);
    const nanWidth = honest();
    nanWidth[0] = frame(face({ width: NaN }));
    expect(refusal(() => decideLiveness(CH, nanWidth))).toMatch(/too small/);
    const infCloser = honest();
    infCloser[2] = frame(face({ width: Infinity }));
    expect(refusal(() => decideLiveness(CH, infCloser))).toMatch(/does not show move closer/);
    const nanYaw = honest();
    nanYaw[1] = frame({ ...face(), landmarks: landmarks(NaN) });
    expect(refusal(() => decideLiveness(CH, nanYaw))).toMatch(/does not show turn left/);
    const degenerate = honest();
    degenerate[0] = frame({ ...face(), landmarks: landmarks(0, 0) });
    expect(refusal(() => decideLiveness(CH, degenerate))).toMatch(/neutral frame cannot be measured/);
  });
});

describe('decideLiveness: targets bind the frames to their challenge (issue 21)', () => {
  it('accepts a face within the tolerance of each target, refuses one beyond it (in any direction) or a NaN/Infinity position', () => {
    const side = 384;
    const within = (FACE_TARGETS.tolerance - 0.005) * side;
    const beyond = (FACE_TARGETS.tolerance + 0.005) * side;
    for (const [dx, dy] of [
      [within, 0],
      [0, -within],
      [within * 0.7, within * 0.7],
    ] as const) {
      const h = honest();
      h[2] = moved(h[2]!, dx, dy);
      expect(refusal(() => decideLiveness(CH, h))).toBe('accepted');
    }
    for (const [dx, dy] of [
      [beyond, 0],
      [0, -beyond],
      [-beyond * 0.75, beyond * 0.75],
    ] as const) {
      const h = honest();
      h[3] = moved(h[3]!, dx, dy);
      expect(refusal(() => decideLiveness(CH, h))).toMatch(/frame 3 does not have the face at the target of turn right/);
    }
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const h = honest();
      h[1] = moved(h[1]!, bad, 0);
      expect(refusal(() => decideLiveness(CH, h))).toMatch(/LIVENESS_FAILED/);
      expect(refusal(() => decideLiveness({ actions: ACTIONS, targets: CH.targets.map((t) => ({ ...t, y: bad })) }, honest()))).toMatch(
        /target/,
      );
    }
  });

  it('refuses a challenge stored without targets (issued by an older server)', () => {
    expect(refusal(() => decideLiveness({ actions: ACTIONS, targets: [] }, honest()))).toMatch(/no targets/);
  });

  it('frames filmed for one challenge, re-ordered and re-labelled for another, pass in under 1 % of tries (the rule on 20,000 random pairs)', () => {
    // The attacker holds frames filmed honestly for challenge 1 (faces at its targets, up to the
    // client's capture tolerance off) and relabels them for challenge 2: each pose has one frame,
    // so the assignment is forced, and it passes only if every frame is on challenge 2's target.
    const draw = () => ({ x: (Math.random() * 2 - 1) * FACE_TARGETS.range.x, y: (Math.random() * 2 - 1) * FACE_TARGETS.range.y });
    const jitter = (t: { x: number; y: number }) => {
      const r = FACE_TARGETS.captureTolerance * Math.sqrt(Math.random());
      const a = Math.random() * 2 * Math.PI;
      return { x: t.x + r * Math.cos(a), y: t.y + r * Math.sin(a) };
    };
    const zero = { x: 0, y: 0 };
    let passed = 0;
    const tries = 20_000;
    for (let i = 0; i < tries; i++) {
      const filmed = [draw(), draw(), draw()].map(jitter); // one per action
      const asked = [draw(), draw(), draw()];
      if (filmed.every((p, k) => onTarget(asked[k]!, p, zero))) passed++;
    }
    // Expected about 0.2 % (docs/face.md), less at the range's edges.
    expect(passed / tries).toBeLessThan(0.01);
  });
});

describe('readEvidence', () => {
  const jpeg = (n = 100) => btoa(String.fromCharCode(0xff, 0xd8, 0xff, ...Array.from({ length: n }, (_, i) => i % 256)));
  const webp = btoa(`RIFF\u0000\u0000\u0000\u0000WEBPVP8 ${'x'.repeat(50)}`);
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
    expect(refusal(() => readEvidence({ ...evidence(['neutral', 'turn_right', 'move_closer']), challengeId: 'c2' }, challenge))).toMatch(
      /another challenge/,
    );
    expect(refusal(() => readEvidence(evidence(['neutral', 'move_closer', 'turn_right']), challenge))).toMatch(/in this order/);
    expect(refusal(() => readEvidence(evidence(['neutral', 'turn_right']), challenge))).toMatch(/in this order/);
    expect(refusal(() => readEvidence(evidence(['turn_right', 'neutral', 'move_closer']), challenge))).toMatch(/in this order/);
  });

  it('refuses images that are neither JPEG nor WebP, or too large', () => {
    expect(
      refusal(() => readEvidence(evidence(['neutral', 'turn_right', 'move_closer'], btoa(`GIF89a${'x'.repeat(40)}`)), challenge)),
    ).toMatch(/INVALID_REQUEST: .*neither JPEG nor WebP/);
    expect(
      refusal(() => readEvidence(evidence(['neutral', 'turn_right', 'move_closer'], jpeg(FACE_EVIDENCE_LIMITS.maxFrameBytes)), challenge)),
    ).toMatch(/INVALID_REQUEST: .*at most/);
  });
});
