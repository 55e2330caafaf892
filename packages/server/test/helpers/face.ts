import type { FaceChallenge, FaceEvidence, FacePose, FaceTarget } from '@twofold/protocol';
import { renderFacePose, samplePerson, type SamplePerson } from '@twofold/testing';
import sharp from 'sharp';
import { createFaceAnalyzer } from '../../src/adapters/face/index.js';

// Face evidence as the browser client sends it: real frames of a person (one of face-api's sample
// photos, rendered in each pose by @twofold/testing: 2D warps of one photo, with fresh sensor
// noise per frame), cut the way the client cuts them — one square area 2.4 face widths wide around
// the neutral face as the browser's tracker boxes it, scaled to 512 px, JPEG. The server measures
// them with the real pipeline.

/** The real analyzer (worker threads, face-api on tfjs WASM); one thread: test files run side by side. */
export function testFaceAnalyzer() {
  return createFaceAnalyzer({ threads: 1, maxWaitMs: 120_000 });
}

// The renderer's neutral face is ~20 % of the width by SSD's box; the client's tracker (tiny
// detector) boxes it at ~29 % (measured in Chromium), and the client's crop is 2.4 of those. The
// picture is taller than a webcam's so that a crop moved for a target stays inside it.
const FRAME = { width: 640, height: 560, trackerFraction: 0.29, cropSide: 2.4, side: 512 };

/**
 * One client-like frame (base64 JPEG) of `person` in `pose`, with the face centre `target` (fractions
 * of the frame side) away from where the neutral face is: the crop stays where the client fixed it
 * and the person moved, so the crop is cut from the other side.
 */
export async function frame(person: SamplePerson, pose: FacePose, target: FaceTarget = { x: 0, y: 0 }): Promise<string> {
  const picture = await renderFacePose(await samplePerson(person), { pose, width: FRAME.width, height: FRAME.height });
  // The renderer centres the neutral face; the client's crop is fixed there.
  const side = Math.round(Math.min(FRAME.cropSide * FRAME.trackerFraction * FRAME.width, FRAME.height));
  const left = Math.round((FRAME.width - side) / 2 - target.x * side);
  const top = Math.round((FRAME.height - side) / 2 - target.y * side);
  const jpeg = await sharp(picture)
    .extract({ left, top, width: side, height: side })
    .resize(FRAME.side, FRAME.side)
    .jpeg({ quality: 90 })
    .toBuffer();
  return jpeg.toString('base64');
}

export interface EvidenceOptions {
  /** A photo held still: every frame neutral, labelled with the requested poses. */
  still?: boolean;
  /** The person in the action frames (default: the same as the neutral frame). */
  actionsBy?: SamplePerson;
  /** Where the face is in each action frame (default: at the challenge's targets). */
  targets?: readonly FaceTarget[];
}

/** Evidence for a challenge: `person` neutral, then performing its actions in order, each at its target. */
export async function evidence(
  challenge: Pick<FaceChallenge, 'challengeId' | 'actions' | 'targets'>,
  person: SamplePerson,
  o: EvidenceOptions = {},
): Promise<FaceEvidence> {
  const frames = [{ pose: 'neutral' as FacePose, image: await frame(person, 'neutral') }];
  const targets = o.targets ?? challenge.targets;
  for (const [i, action] of challenge.actions.entries()) {
    frames.push({
      pose: action,
      image: await frame(o.actionsBy ?? person, o.still ? 'neutral' : action, o.still ? undefined : targets[i]),
    });
  }
  return { version: 2, challengeId: challenge.challengeId, frames };
}
