import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, BrowserType, LaunchOptions, Page } from 'playwright-core';
import { renderFacePoses, samplePerson, type FacePose, type FaceSource, type SamplePerson } from '../face-poses.js';
import { fakeCameraArgs, writeFakeCameraY4m, type FakeMotion } from '../fake-camera.js';
import { installSteerableCamera, type SteerableCamera } from '../steerable-camera.js';

/** Who is in front of the camera: one of the sample people (`a`, `b`), or any photo with its face located. */
export type CameraPerson = SamplePerson | FaceSource;

/** Options of {@link TestCamera.follow}. */
export interface FollowCameraOptions {
  /** Default `a`. */
  person?: CameraPerson;
  /** How long each pose of a challenge is held, ms. Default 2000 (time for the page's tracker on a busy machine). */
  holdMs?: number;
  /** Install in this context instead of the test's. */
  context?: BrowserContext;
}

/** Options of {@link TestCamera.still}. */
export interface StillCameraOptions {
  /** A sample person or a located face (rendered frontal, as a held-up photo). */
  person?: CameraPerson;
  /** Or any picture as is: a path or JPEG/PNG/WebP bytes (the stream has its size). */
  image?: string | Uint8Array;
  /** Install in this context instead of the test's. */
  context?: BrowserContext;
}

/** Options of {@link TestCamera.replay}. */
export interface ReplayCameraOptions {
  /** Default `a`. */
  person?: CameraPerson;
  /** The poses played in a loop, whatever the page asks. */
  sequence: readonly FacePose[];
  /** ms per pose. Default 1200. */
  holdMs?: number;
  /** Install in this context instead of the test's. */
  context?: BrowserContext;
}

/** Options of {@link TestCamera.captureDevice}. */
export interface CaptureDeviceOptions {
  /** A `.y4m` file to play as is (Chromium loops it)… */
  y4m?: string;
  /** …or a picture (path or bytes) rendered into one with scripted motion (`writeFakeCameraY4m`). */
  image?: string | Uint8Array;
  /** The motion script for `image`. Default one second `static`. */
  script?: readonly { motion: FakeMotion; seconds?: number }[];
  /** Eye centres in image pixels (needed by `blink`, better `turn-*`). */
  eyes?: { left: { x: number; y: number }; right: { x: number; y: number } };
}

/** A browser of its own whose camera is Chromium's fake capture device. Closed after the test. */
export interface CaptureDevice {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The `.y4m` file played. */
  y4m: string;
}

/**
 * The `camera` fixture: fake cameras created per test.
 * - `follow`, `still`, `replay` install the steerable camera (a `getUserMedia` replacement, any
 *   browser) in the test's context — call them before the page navigates.
 * - `captureDevice` goes through Chromium's real capture pipeline instead, which needs launch flags
 *   (`--use-fake-ui-for-media-stream --use-fake-device-for-media-stream
 *   --use-file-for-fake-video-capture=<file>`), so it launches a Chromium of its own for the test.
 */
export interface TestCamera {
  /** A cooperative person: performs each face challenge the page receives, in order. */
  follow(options?: FollowCameraOptions): Promise<SteerableCamera>;
  /** A still photo held up to the camera. */
  still(options: StillCameraOptions): Promise<SteerableCamera>;
  /** A recording replayed: `sequence` in a loop, whatever the challenge. */
  replay(options: ReplayCameraOptions): Promise<SteerableCamera>;
  /** A new Chromium whose capture device plays a `.y4m` (a file, or made from an image). Chromium only. */
  captureDevice(options: CaptureDeviceOptions): Promise<CaptureDevice>;
}

/** Options of {@link createTestCamera}. */
export interface CreateTestCameraOptions {
  /** The test's context, where the steerable cameras go by default. */
  context: BrowserContext;
  /** The test's browser (renders `.y4m` files) and its type and launch options (for `captureDevice`). */
  browser: Browser;
  browserName: string;
  browserType: BrowserType;
  launchOptions: LaunchOptions;
  /** Where `.y4m` files go (e.g. `testInfo.outputPath`). */
  outputPath: (name: string) => string;
}

const rendered = new Map<string, Promise<Record<FacePose, Uint8Array[]>>>();
/** A person's frames (3 per pose, each with its own noise); the sample people are rendered once per worker. */
function framesOf(person: CameraPerson): Promise<Record<FacePose, Uint8Array[]>> {
  if (typeof person !== 'string') return renderFacePoses(person, { frames: 3 });
  let frames = rendered.get(person);
  if (!frames) rendered.set(person, (frames = samplePerson(person).then((source) => renderFacePoses(source, { frames: 3 }))));
  return frames;
}

/**
 * Creates the `camera` fixture's object for one test; `dispose()` closes every capture device it
 * launched (the fixture calls it after the test, also when the test failed).
 */
export function createTestCamera(options: CreateTestCameraOptions): TestCamera & { dispose(): Promise<void> } {
  const launched: Browser[] = [];
  let y4ms = 0;
  return {
    async follow(o = {}) {
      return installSteerableCamera(o.context ?? options.context, {
        person: await framesOf(o.person ?? 'a'),
        mode: 'follow',
        holdMs: o.holdMs ?? 2000,
      });
    },
    async still(o) {
      if (!o.image && !o.person) throw new Error('camera.still needs a person or an image');
      const person = o.image
        ? { neutral: [typeof o.image === 'string' ? new Uint8Array(await readFile(o.image)) : o.image] }
        : await framesOf(o.person!);
      return installSteerableCamera(o.context ?? options.context, { person, mode: 'still' });
    },
    async replay(o) {
      return installSteerableCamera(o.context ?? options.context, {
        person: await framesOf(o.person ?? 'a'),
        mode: 'sequence',
        sequence: o.sequence,
        ...(o.holdMs && { holdMs: o.holdMs }),
      });
    },
    async captureDevice(o) {
      if (options.browserName !== 'chromium') {
        throw new Error(
          `camera.captureDevice needs Chromium's fake capture device (this is ${options.browserName}); use camera.follow / still / replay (any browser) instead.`,
        );
      }
      if (!o.y4m === !o.image) throw new Error('camera.captureDevice needs exactly one of y4m or image');
      let y4m = o.y4m;
      if (!y4m) {
        y4m = options.outputPath(`camera-${y4ms++}.y4m`);
        await writeFakeCameraY4m(options.browser, {
          image: o.image!,
          out: y4m,
          script: o.script ?? [{ motion: 'static' }],
          ...(o.eyes && { eyes: o.eyes }),
        });
      }
      const browser = await options.browserType.launch({
        ...options.launchOptions,
        args: [...(options.launchOptions.args ?? []), ...fakeCameraArgs(y4m)],
      });
      launched.push(browser);
      const context = await browser.newContext();
      return { browser, context, page: await context.newPage(), y4m };
    },
    async dispose() {
      await Promise.allSettled(launched.map((b) => b.close()));
    },
  };
}
