import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { descriptorDistance, locateFaces, mostFrontalFace, type LocatedFace } from './face-locate.js';
import {
  FACE_POSES,
  SAMPLE_PEOPLE,
  renderFacePose,
  sampleImagePath,
  samplePerson,
  type FacePose,
  type SamplePerson,
} from './face-poses.js';

// What Twofold's server checks on face frames, measured with the server's engine (face-api: SSD
// detector, 68 landmarks, 128-d descriptor) on rendered frames of both sample people. The server
// needs |Δyaw| ≥ 0.12 and a width ratio ≥ 1.18; the margins below leave room for engine drift.
const W = 640;
const seen: Record<SamplePerson, Partial<Record<FacePose, LocatedFace[]>>> = { a: {}, b: {} };

beforeAll(async () => {
  for (const person of ['a', 'b'] as const) {
    const source = await samplePerson(person);
    for (const pose of FACE_POSES) seen[person][pose] = await locateFaces(await renderFacePose(source, { pose, seed: 1 }));
  }
  const rows = (['a', 'b'] as const).map((p) => {
    const n = seen[p].neutral![0]!;
    const f = (pose: FacePose) => seen[p][pose]![0]!;
    return {
      person: p,
      yawNeutral: n.yaw.toFixed(3),
      yawLeft: f('turn_left').yaw.toFixed(3),
      yawRight: f('turn_right').yaw.toFixed(3),
      faceWidth: (n.box.width / W).toFixed(3),
      closerRatio: (f('move_closer').box.width / n.box.width).toFixed(3),
      distLeft: descriptorDistance(n.descriptor, f('turn_left').descriptor).toFixed(3),
      distRight: descriptorDistance(n.descriptor, f('turn_right').descriptor).toFixed(3),
      distCloser: descriptorDistance(n.descriptor, f('move_closer').descriptor).toFixed(3),
      distLeftRight: descriptorDistance(f('turn_left').descriptor, f('turn_right').descriptor).toFixed(3),
    };
  });
  console.table(rows);
  const cross = Object.fromEntries(
    FACE_POSES.map((pa) => [
      `A ${pa}`,
      Object.fromEntries(
        FACE_POSES.map((pb) => [`B ${pb}`, descriptorDistance(seen.a[pa]![0]!.descriptor, seen.b[pb]![0]!.descriptor).toFixed(3)]),
      ),
    ]),
  );
  console.table(cross);
}, 120_000);

describe('SAMPLE_PEOPLE', () => {
  it.each(['a', 'b'] as const)('person %s is where the table says, in face-api sample photo', async (person) => {
    const { file, face } = SAMPLE_PEOPLE[person];
    const faces = await locateFaces(new Uint8Array(await readFile(sampleImagePath(file))), { minConfidence: 0.3 });
    const found = faces.find((f) => Math.abs(f.box.x - face.box.x) < 4 && Math.abs(f.box.y - face.box.y) < 4);
    expect(found, `no face at ${JSON.stringify(face.box)} in ${file}`).toBeDefined();
    expect(Math.abs(found!.box.width - face.box.width)).toBeLessThan(4);
    for (const side of ['left', 'right'] as const) {
      expect(Math.abs(found!.eyes[side].x - face.eyes[side].x)).toBeLessThan(3);
      expect(Math.abs(found!.eyes[side].y - face.eyes[side].y)).toBeLessThan(3);
    }
    expect(Math.abs(found!.landmarks[30]!.x - face.nose.x)).toBeLessThan(3);
    // Near-frontal: within 0.01 of the most frontal confident face of the photo.
    expect(Math.abs(found!.yaw)).toBeLessThan(Math.abs(mostFrontalFace(faces)!.yaw) + 0.01);
  });
});

describe('renderFacePose, measured with face-api (SSD + 68 landmarks + descriptor)', () => {
  it.each(['a', 'b'] as const)('person %s: one face per frame, of webcam size, centred', (person) => {
    for (const pose of FACE_POSES) {
      expect(seen[person][pose], pose).toHaveLength(1);
      expect(seen[person][pose]![0]!.score, pose).toBeGreaterThan(0.8);
    }
    const n = seen[person].neutral![0]!;
    expect(n.box.width / W).toBeGreaterThan(0.17);
    expect(n.box.width / W).toBeLessThan(0.26);
    // Looking at the camera: what the server's frontal rule (|yaw| ≤ 0.25) and the client's
    // stricter framing gate (0.15) want of a neutral frame.
    expect(Math.abs(n.yaw)).toBeLessThan(0.1);
    expect(Math.abs(n.box.x + n.box.width / 2 - W / 2)).toBeLessThan(0.05 * W);
  });

  it.each(['a', 'b'] as const)('person %s: turns move the yaw proxy the right way, by ≥ 0.15', (person) => {
    const n = seen[person].neutral![0]!.yaw;
    expect(seen[person].turn_left![0]!.yaw).toBeLessThanOrEqual(n - 0.15);
    expect(seen[person].turn_right![0]!.yaw).toBeGreaterThanOrEqual(n + 0.15);
    // Closer does not turn.
    expect(Math.abs(seen[person].move_closer![0]!.yaw - n)).toBeLessThan(0.06);
  });

  it.each(['a', 'b'] as const)('person %s: move_closer widens the face box ≥ 1.25×', (person) => {
    expect(seen[person].move_closer![0]!.box.width).toBeGreaterThanOrEqual(1.25 * seen[person].neutral![0]!.box.width);
    // A turn does not look like "closer" (the server's rule: ≥ 1.18× with the yaw kept).
    for (const turn of ['turn_left', 'turn_right'] as const)
      expect(seen[person][turn]![0]!.box.width).toBeLessThan(1.1 * seen[person].neutral![0]!.box.width);
  });

  it.each(['a', 'b'] as const)('person %s keeps the identity in every pose (descriptor distance < 0.5)', (person) => {
    const d = FACE_POSES.map((p) => seen[person][p]![0]!.descriptor);
    for (let i = 0; i < d.length; i++)
      for (let j = i + 1; j < d.length; j++)
        expect(descriptorDistance(d[i]!, d[j]!), `${FACE_POSES[i]}–${FACE_POSES[j]}`).toBeLessThan(0.5);
  });

  it("A and B are different people: each one's frames against the other's neutral frame (distance > 0.6)", () => {
    // What the server's template match sees: a frame in any pose against a template enrolled from
    // a frontal face. (Two frames both warped the same way come closer: see the logged cross table.)
    for (const pose of FACE_POSES) {
      expect(descriptorDistance(seen.a[pose]![0]!.descriptor, seen.b.neutral![0]!.descriptor), `A ${pose}`).toBeGreaterThan(0.6);
      expect(descriptorDistance(seen.b[pose]![0]!.descriptor, seen.a.neutral![0]!.descriptor), `B ${pose}`).toBeGreaterThan(0.6);
    }
  });
});

describe('renderFacePose, bytes', () => {
  it('never repeats a frame unless asked to (sensor noise, seeded)', async () => {
    const source = await samplePerson('a');
    const [x, y, s1, s2, quiet1, quiet2] = await Promise.all([
      renderFacePose(source, { pose: 'neutral' }),
      renderFacePose(source, { pose: 'neutral' }),
      renderFacePose(source, { pose: 'neutral', seed: 5 }),
      renderFacePose(source, { pose: 'neutral', seed: 5 }),
      renderFacePose(source, { pose: 'neutral', noise: 0 }),
      renderFacePose(source, { pose: 'neutral', noise: 0 }),
    ]);
    expect(x[0]).toBe(0xff); // JPEG
    expect(x[1]).toBe(0xd8);
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(false);
    expect(Buffer.from(s1).equals(Buffer.from(s2))).toBe(true);
    expect(Buffer.from(quiet1).equals(Buffer.from(quiet2))).toBe(true);
  });

  it('honours the frame size and refuses out-of-range options', async () => {
    const source = await samplePerson('b');
    const small = await renderFacePose(source, { pose: 'turn_left', width: 320, height: 240, amount: 0.5 });
    expect(small.length).toBeGreaterThan(1000);
    const sharp = (await import('sharp')).default;
    expect(await sharp(small).metadata()).toMatchObject({ width: 320, height: 240, format: 'jpeg' });
    await expect(renderFacePose(source, { pose: 'turn_left', amount: 1.5 })).rejects.toThrow(/amount/);
    await expect(renderFacePose(source, { pose: 'neutral', amount: Number.NaN })).rejects.toThrow(/amount/);
    await expect(renderFacePose(source, { pose: 'neutral', width: 1e6 })).rejects.toThrow(/width/);
  });
});
