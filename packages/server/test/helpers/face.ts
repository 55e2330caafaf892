import type { FaceAction, FaceEvidence, FacePose } from '@twofold/protocol';
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
// detector) boxes it at ~29 % (measured in Chromium), and the client's crop is 2.4 of those.
const FRAME = { width: 640, height: 480, trackerFraction: 0.29, cropSide: 2.4, side: 512 };

/** One client-like frame (base64 JPEG) of `person` in `pose`. */
export async function frame(person: SamplePerson, pose: FacePose): Promise<string> {
  const picture = await renderFacePose(await samplePerson(person), { pose, width: FRAME.width, height: FRAME.height });
  // The renderer centres the neutral face; the client's crop is fixed there.
  const side = Math.round(Math.min(FRAME.cropSide * FRAME.trackerFraction * FRAME.width, FRAME.height));
  const crop = { left: Math.round((FRAME.width - side) / 2), top: Math.round((FRAME.height - side) / 2), width: side, height: side };
  const jpeg = await sharp(picture).extract(crop).resize(FRAME.side, FRAME.side).jpeg({ quality: 90 }).toBuffer();
  return jpeg.toString('base64');
}

export interface EvidenceOptions {
  /** A photo held still: every frame neutral, labelled with the requested poses. */
  still?: boolean;
  /** The person in the action frames (default: the same as the neutral frame). */
  actionsBy?: SamplePerson;
}

/** Evidence for `challengeId`: `person` neutral, then performing `actions` in order. */
export async function evidence(challengeId: string, person: SamplePerson, actions: readonly FaceAction[], o: EvidenceOptions = {}): Promise<FaceEvidence> {
  const frames = [{ pose: 'neutral' as FacePose, image: await frame(person, 'neutral') }];
  for (const action of actions) frames.push({ pose: action, image: await frame(o.actionsBy ?? person, o.still ? 'neutral' : action) });
  return { version: 2, challengeId, frames };
}
