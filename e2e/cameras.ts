import { installSteerableCamera, renderFacePoses, samplePerson, type FacePose, type SamplePerson } from '@twofold/testing';
import type { Browser } from 'playwright-core';
import { afterAll } from 'vitest';
import { launch, newDevice } from './helpers.js';

// Webcams for the face tests: @twofold/testing's steerable camera replaces getUserMedia in the
// page with frames of one person (face-api's sample photos: A = sample5, B = sample2) rendered
// in each pose. `follow` acts like a cooperative user: it performs the actions of each face
// challenge the page receives, in order; `still` is a photo held up to the camera.
const CAMERAS = {
  a: { person: 'a', mode: 'follow' },
  b: { person: 'b', mode: 'follow' },
  photoA: { person: 'a', mode: 'still' },
} as const satisfies Record<string, { person: SamplePerson; mode: 'follow' | 'still' }>;
export type Camera = keyof typeof CAMERAS;

const rendered = new Map<SamplePerson, Promise<Record<FacePose, Uint8Array[]>>>();
/** Each person's frames, rendered once per test file (3 per pose, each with its own noise). */
const framesOf = (person: SamplePerson) => {
  let frames = rendered.get(person);
  if (!frames) rendered.set(person, (frames = samplePerson(person).then((source) => renderFacePoses(source, { frames: 3 }))));
  return frames;
};

/**
 * For a test file: `device('a')` opens a new device (browser context with its own virtual
 * authenticator) whose webcam shows person A; the browser closes after the file.
 */
export function useCameraDevices() {
  let browser: Promise<Browser> | undefined;
  afterAll(async () => (await browser)?.close());
  return {
    async device(camera: Camera) {
      browser ??= launch();
      const { person, mode } = CAMERAS[camera];
      const frames = await framesOf(person);
      // Each pose held 2 s: time for the page's tracker to see it on a busy 2-core machine.
      return newDevice(await browser, (context) => installSteerableCamera(context, { person: frames, mode, holdMs: 2000 }));
    },
  };
}
