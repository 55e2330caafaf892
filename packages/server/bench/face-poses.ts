/**
 * The liveness side of a candidate pipeline, for `pnpm bench:face`: frames of the two rendered test
 * people (`@twofold/testing`, the frames the e2e and HTTP tests send) in each pose, cut as the test
 * helper cuts them (2.4 tracker boxes around the neutral face, 512 px, JPEG q90). For each frame:
 * whether exactly one face was found, its box width (fraction of the frame: the rules want ≥ 15 %),
 * its yaw proxy (iBUG landmarks 30/36/45) and whether `showsPose` accepts it against the neutral
 * frame; and the descriptor distances a check relies on (each action frame ↔ the neutral frame of
 * one person, which `samePerson` bounds; the two people's neutral frames).
 */
import { FACE_ACTIONS, type FacePose, descriptorDistance, showsPose, yawOf } from '@twofold/protocol';
import { renderFacePose, samplePerson, type SamplePerson } from '@twofold/testing';
import sharp from 'sharp';
import type { FacePipeline } from '../src/adapters/face/pipeline.js';

const FRAME = { width: 640, height: 560, trackerFraction: 0.29, cropSide: 2.4, side: 512 };

async function frame(person: SamplePerson, pose: FacePose, seed: number): Promise<Buffer> {
  const picture = await renderFacePose(await samplePerson(person), { pose, width: FRAME.width, height: FRAME.height, seed });
  const side = Math.round(Math.min(FRAME.cropSide * FRAME.trackerFraction * FRAME.width, FRAME.height));
  const left = Math.round((FRAME.width - side) / 2);
  const top = Math.round((FRAME.height - side) / 2);
  return sharp(picture).extract({ left, top, width: side, height: side }).resize(FRAME.side, FRAME.side).jpeg({ quality: 90 }).toBuffer();
}

/** The four frames of a check (neutral, then the three actions), as the e2e test camera makes them. */
export async function checkFrames(person: SamplePerson = 'a', seed = 1): Promise<Buffer[]> {
  return Promise.all((['neutral', ...FACE_ACTIONS] as FacePose[]).map((pose) => frame(person, pose, seed)));
}

export interface PoseReport {
  /** Frames with exactly one face, of all frames. */
  found: number;
  frames: number;
  /** Smallest face box width, as a fraction of the frame side. */
  minWidth: number;
  /** Action frames that `showsPose` accepts against their neutral frame, of all action frames. */
  posesShown: number;
  actions: number;
  /** Mean yaw proxy per pose. */
  yaw: Record<FacePose, number>;
  /** Largest neutral ↔ action frame distance of one person (turns included); smallest distance between the two people's neutral frames. */
  genuineMax: number;
  impostorMin: number;
}

/** Measures the rendered poses with `pipeline` (`seeds` noise seeds per pose and person). */
export async function poseCheck(pipeline: FacePipeline, seeds = 2): Promise<PoseReport> {
  const poses: FacePose[] = ['neutral', ...FACE_ACTIONS];
  const report: PoseReport = {
    found: 0,
    frames: 0,
    minWidth: Infinity,
    posesShown: 0,
    actions: 0,
    yaw: { neutral: 0, turn_left: 0, turn_right: 0, move_closer: 0 },
    genuineMax: 0,
    impostorMin: Infinity,
  };
  const neutralOf: Record<string, number[][]> = {};
  for (const person of ['a', 'b'] as SamplePerson[]) {
    for (let seed = 1; seed <= seeds; seed++) {
      const measured: Partial<Record<FacePose, { width: number; yaw: number; descriptor: number[] }>> = {};
      for (const pose of poses) {
        const analysis = await pipeline.analyzeImage(await frame(person, pose, seed));
        report.frames++;
        if (analysis.faces.length !== 1) continue;
        report.found++;
        const face = analysis.faces[0]!;
        const m = { width: face.box.width, yaw: yawOf(face.landmarks), descriptor: face.descriptor };
        measured[pose] = m;
        report.minWidth = Math.min(report.minWidth, face.box.width / analysis.width);
        report.yaw[pose] += m.yaw / (2 * seeds);
      }
      const neutral = measured.neutral;
      for (const action of FACE_ACTIONS) {
        report.actions++;
        const m = measured[action];
        if (neutral && m && showsPose(action, m, neutral)) report.posesShown++;
      }
      if (neutral) (neutralOf[person] ??= []).push(neutral.descriptor);
      // `samePerson`: every frame of a check against its neutral frame, turned ones included.
      for (const action of FACE_ACTIONS) {
        const m = measured[action];
        if (neutral && m) report.genuineMax = Math.max(report.genuineMax, descriptorDistance(neutral.descriptor, m.descriptor));
      }
    }
  }
  for (const a of neutralOf.a ?? [])
    for (const b of neutralOf.b ?? []) report.impostorMin = Math.min(report.impostorMin, descriptorDistance(a, b));
  return report;
}
