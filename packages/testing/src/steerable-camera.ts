import type { BrowserContext } from 'playwright-core';
import { steerableCanvas } from './camera-drawing.js';
import type { FacePose } from './face-poses.js';

/**
 * How a {@link installSteerableCamera} camera moves:
 * - `follow`: a cooperative user. When the page receives a face challenge (any fetch/XHR JSON
 *   response holding an object with a string `challengeId` and an `actions` array, at any depth —
 *   e.g. `POST /face/challenge`, or a recovery response with a nested `challenge`), it plays
 *   neutral → action 1 → neutral → action 2 → … → neutral, `holdMs` each, and repeats it until the
 *   stream stops (a user following the prompts until the check ends). When the challenge has
 *   `targets`, the face moves to each action's target as it performs it (the picture shifts by the
 *   target times `targetScale` pixels). A new challenge restarts the script. The script starts once
 *   a camera stream is live.
 * - `still`: neutral forever — a still photo held up to the camera.
 * - `sequence`: `sequence` played in a loop, `holdMs` per pose, whatever the challenge — a
 *   recording replayed to the camera.
 */
export type SteerableCameraMode = 'follow' | 'still' | 'sequence';

/** Options of {@link installSteerableCamera}. */
export interface SteerableCameraOptions {
  /**
   * JPEG (or PNG/WebP) frames per pose, e.g. from `renderFacePoses`; several frames of a pose are
   * cycled at `fps`, like a short animation. `neutral` is required; a pose without frames shows
   * neutral.
   */
  person: Partial<Record<FacePose, readonly Uint8Array[]>> & { neutral: readonly Uint8Array[] };
  /** Default `follow`. */
  mode?: SteerableCameraMode;
  /** The poses `sequence` mode loops over. Default neutral, turn_left, neutral, turn_right, neutral, move_closer. */
  sequence?: readonly FacePose[];
  /** How long each pose of a script is held, in ms. Default 1200. */
  holdMs?: number;
  /** Frames per second of the stream. Default 15. */
  fps?: number;
  /** Per-frame sensor noise added in the page, ± levels (uniform). Default 2; 0 = none. */
  noise?: number;
  /**
   * Pixels of the camera picture per unit of a challenge target (targets are fractions of the
   * client's frame side, the square the client cuts around the neutral face). Default: the client's
   * crop of a face rendered by `renderFacePoses` — 2.4 × 0.28 of the picture width (the browser tracker's box, measured 0.26–0.29), at most its height.
   */
  targetScale?: number;
}

/** Something the camera did, in page time order (`at`: `Date.now()` in the page). */
export type SteerableCameraEvent =
  | { type: 'stream'; at: number; state: 'started' | 'stopped'; width: number; height: number; url: string }
  | { type: 'challenge'; at: number; challengeId: string; actions: string[]; url: string }
  | {
      type: 'pose';
      at: number;
      pose: FacePose;
      cause: 'script' | 'manual' | 'start';
      challengeId?: string;
      target?: { x: number; y: number };
      url: string;
    };

/** The handle {@link installSteerableCamera} returns. */
export interface SteerableCamera {
  /**
   * Shows `pose` now in every page (and frame) of the context, cancelling a running script; a
   * later challenge (in `follow` mode) starts a new one. Pages opened later start in neutral.
   */
  show(pose: FacePose): Promise<void>;
  /** Everything the camera did so far, across the context's pages. */
  events(): SteerableCameraEvent[];
}

const BINDING = '__twofoldSteerableCameraEvent';
const POSES: readonly FacePose[] = ['neutral', 'turn_left', 'turn_right', 'move_closer'];

/**
 * Replaces the camera of every page in a Playwright `BrowserContext` with a face that can turn on
 * demand: an init script overrides `navigator.mediaDevices.getUserMedia` for video requests with a
 * `canvas.captureStream(fps)` stream drawing the current pose's frames plus fresh noise each
 * frame (so no two frames are identical), and `enumerateDevices` lists one camera. Install once
 * per context, before opening pages.
 *
 * What it can simulate: a person (or a photo, or a recording) in front of a webcam, changing pose
 * when a face challenge asks — enough to drive a real face flow end to end, including the
 * server's pose, identity and freshness checks, and to stage a still-photo or replayed-recording
 * attack (`still`, `sequence`).
 *
 * What it cannot: the frames are 2D warps of one photo (no depth, no side of the head, no
 * lighting change, no blink), the pose changes in one step with no motion in between, and the
 * stream bypasses the browser's capture pipeline entirely — no camera device, no permission
 * prompt, no `--use-fake-device-for-media-stream`, no resolution or frame-rate negotiation (the
 * constraints are ignored; the stream has the frames' size). It relies only on
 * `HTMLCanvasElement.captureStream`, so it works in any Playwright browser that has it (Chromium,
 * Firefox, WebKit), but it is a test double for the page's `getUserMedia`, not a camera.
 */
export async function installSteerableCamera(context: BrowserContext, options: SteerableCameraOptions): Promise<SteerableCamera> {
  const mode = options.mode ?? 'follow';
  const holdMs = options.holdMs ?? 1200;
  const fps = options.fps ?? 15;
  const noise = options.noise ?? 2;
  const sequence = options.sequence ?? ['neutral', 'turn_left', 'neutral', 'turn_right', 'neutral', 'move_closer'];
  if (!['follow', 'still', 'sequence'].includes(mode)) throw new Error(`unknown mode ${mode}`);
  if (!(holdMs >= 50 && holdMs <= 60_000)) throw new Error('holdMs must be in 50..60000');
  if (!(fps >= 1 && fps <= 60)) throw new Error('fps must be in 1..60');
  if (!(noise >= 0 && noise <= 64)) throw new Error('noise must be in 0..64');
  if (options.targetScale !== undefined && !(options.targetScale > 0 && options.targetScale <= 4096))
    throw new Error('targetScale must be in (0, 4096]');
  if (!options.person.neutral?.length) throw new Error('person.neutral needs at least one frame');
  if (mode === 'sequence' && (!sequence.length || sequence.some((p) => !POSES.includes(p)))) throw new Error('sequence must list poses');
  const frames: Record<string, string[]> = {};
  for (const pose of POSES) {
    const list = options.person[pose];
    if (list?.length) frames[pose] = list.map((bytes) => `data:${sniffMime(bytes)};base64,${Buffer.from(bytes).toString('base64')}`);
  }

  const events: SteerableCameraEvent[] = [];
  await context.exposeBinding(BINDING, (source, event: SteerableCameraEvent) => {
    events.push({ ...event, url: source.frame.url() });
  });
  const args = {
    frames,
    mode,
    holdMs,
    fps,
    noise,
    sequence: [...sequence],
    binding: BINDING,
    poses: [...POSES],
    targetScale: options.targetScale ?? null,
  };
  // As source text with a `__name` shim: loaders that keep function names (tsx, esbuild's
  // keepNames) call a `__name` helper inside the function, which the page does not have.
  await context.addInitScript({
    content: `(() => { var __name = (f) => f; (${pageCamera.toString()})(${JSON.stringify(args)}, ${steerableCanvas.toString()}); })();`,
  });
  return {
    async show(pose) {
      if (!POSES.includes(pose)) throw new Error(`unknown pose ${pose}`);
      for (const page of context.pages()) {
        for (const frame of page.frames()) {
          await frame
            .evaluate(
              (p) => (globalThis as { __twofoldSteerableCamera?: { show(p: string): void } }).__twofoldSteerableCamera?.show(p),
              pose,
            )
            .catch(() => undefined);
        }
      }
    },
    events: () => [...events].sort((a, b) => a.at - b.at),
  };
}

interface PageConfig {
  frames: Record<string, string[]>;
  mode: SteerableCameraMode;
  holdMs: number;
  fps: number;
  noise: number;
  sequence: string[];
  binding: string;
  poses: string[];
  targetScale: number | null;
}

/**
 * Runs in the page (serialised by Playwright): everything here must be self-contained, but for
 * `picture` ({@link steerableCanvas}, passed in as source text too).
 */
function pageCamera(cfg: PageConfig, picture: typeof steerableCanvas): void {
  const md = navigator.mediaDevices;
  if (!md || typeof md.getUserMedia !== 'function') return; // not a secure context: nothing to replace
  const w = window as unknown as Record<string, unknown>;
  const report = (event: Record<string, unknown>) => {
    const send = w[cfg.binding] as ((e: unknown) => Promise<void>) | undefined;
    if (send) void send({ ...event, at: Date.now() }).catch(() => undefined);
  };
  const images: Record<string, HTMLImageElement[]> = {};
  for (const [pose, urls] of Object.entries(cfg.frames)) {
    images[pose] = urls.map((url) => {
      const img = new Image();
      img.src = url;
      return img;
    });
  }
  type Target = { x: number; y: number };
  type Challenge = { challengeId: string; actions: string[]; targets?: Target[] };
  type Step = { pose: string; target?: Target };
  let pose = 'neutral';
  let offset: Target = { x: 0, y: 0 }; // where the face is, as a challenge target
  let challengeId: string | undefined;
  let timers: number[] = [];
  let live = 0; // live streams
  let pending: Challenge | undefined;

  const setPose = (next: string, cause: string, target?: Target) => {
    pose = next;
    offset = target ?? { x: 0, y: 0 };
    report({ type: 'pose', pose: next, cause, ...(challengeId ? { challengeId } : {}), ...(target && { target }) });
  };
  const cancel = () => {
    for (const t of timers) clearTimeout(t);
    timers = [];
  };
  const play = (steps: Step[], loop: boolean) => {
    cancel();
    steps.forEach((p, i) => {
      timers.push(window.setTimeout(() => setPose(p.pose, 'script', p.target), i * cfg.holdMs));
    });
    if (loop) timers.push(window.setTimeout(() => play(steps, true), steps.length * cfg.holdMs));
  };
  const follow = (c: Challenge) => {
    challengeId = c.challengeId;
    // Neutral held twice as long first: the page frames the face and takes its reference.
    const steps: Step[] = [{ pose: 'neutral' }, { pose: 'neutral' }];
    c.actions.forEach((a, i) => {
      const target = c.targets?.[i];
      steps.push({ pose: cfg.poses.includes(a) ? a : 'neutral', ...(target && { target }) }, { pose: 'neutral' });
    });
    // Repeated until the stream stops or another challenge comes, as a user keeps following the
    // prompts: a page that missed a pose (a slow tracker, framing first) gets it again.
    play(steps, true);
  };
  const onChallenge = (c: Challenge) => {
    if (c.challengeId === challengeId || c.challengeId === pending?.challengeId) return;
    report({ type: 'challenge', challengeId: c.challengeId, actions: c.actions });
    if (cfg.mode !== 'follow') return;
    if (live > 0) follow(c);
    else pending = c;
  };
  const inspect = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 4) return;
    const o = value as Record<string, unknown>;
    if (typeof o.challengeId === 'string' && Array.isArray(o.actions) && o.actions.every((a) => typeof a === 'string')) {
      const targets =
        Array.isArray(o.targets) && o.targets.every((t) => t && typeof t.x === 'number' && typeof t.y === 'number')
          ? (o.targets as Target[])
          : undefined;
      onChallenge({ challengeId: o.challengeId, actions: o.actions as string[], ...(targets && { targets }) });
      return;
    }
    for (const v of Array.isArray(value) ? value : Object.values(o)) inspect(v, depth + 1);
  };

  // Watch the page's API responses for a face challenge.
  const fetch0 = window.fetch;
  window.fetch = async function (this: unknown, ...args: Parameters<typeof fetch>) {
    const response = await fetch0.apply(this, args);
    try {
      if ((response.headers.get('content-type') ?? '').includes('json')) {
        response
          .clone()
          .json()
          .then(
            (j) => inspect(j, 0),
            () => undefined,
          );
      }
    } catch {
      // an opaque or already-consumed response: not ours to read
    }
    return response;
  } as typeof fetch;
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['send']>) {
    this.addEventListener('load', () => {
      try {
        if (this.responseType === 'json') inspect(this.response, 0);
        else if (
          (this.responseType === '' || this.responseType === 'text') &&
          (this.getResponseHeader('content-type') ?? '').includes('json')
        )
          inspect(JSON.parse(this.responseText), 0);
      } catch {
        // not JSON after all
      }
    });
    return send0.apply(this, args);
  };

  const gum0 = md.getUserMedia.bind(md);
  const enumerate0 = md.enumerateDevices.bind(md);
  md.enumerateDevices = async () => {
    const devices = (await enumerate0()).filter((d) => d.kind !== 'videoinput');
    const camera = { deviceId: 'twofold-steerable-camera', groupId: 'twofold', kind: 'videoinput', label: 'Twofold steerable camera' };
    return [...devices, { ...camera, toJSON: () => camera } as MediaDeviceInfo];
  };
  md.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (!constraints?.video) return gum0(constraints);
    const first = images.neutral![0]!;
    await first.decode();
    await Promise.all(
      Object.values(images)
        .flat()
        .map((i) => i.decode().catch(() => undefined)),
    );
    const { canvas, g, width, height, draw: paint } = picture(first, cfg.targetScale);
    // Uniform noise in ±cfg.noise: a pool read at a random offset each frame.
    const pool = new Int8Array(width * height * 4 + 4096);
    for (let i = 0; i < pool.length; i++) pool[i] = Math.round((Math.random() * 2 - 1) * cfg.noise);
    let tick = 0;
    const draw = () => {
      const list = images[pose] ?? images.neutral!;
      paint(list[tick++ % list.length]!, offset);
      if (cfg.noise > 0) {
        const data = g.getImageData(0, 0, width, height);
        const px = data.data;
        const off = Math.floor(Math.random() * 4096);
        for (let i = 0; i < px.length; i++) if ((i & 3) !== 3) px[i] = px[i]! + pool[i + off]!; // clamped array
        g.putImageData(data, 0, 0);
      }
    };
    draw();
    const stream = canvas.captureStream(cfg.fps);
    const interval = window.setInterval(draw, 1000 / cfg.fps);
    const [track] = stream.getVideoTracks();
    Object.defineProperty(track, 'label', { value: 'Twofold steerable camera' });
    const stop0 = track!.stop.bind(track);
    let stopped = false;
    track!.stop = () => {
      stop0();
      if (stopped) return;
      stopped = true;
      clearInterval(interval);
      live--;
      if (live === 0 && cfg.mode === 'follow') cancel();
      report({ type: 'stream', state: 'stopped', width, height });
    };
    live++;
    report({ type: 'stream', state: 'started', width, height });
    if (cfg.mode === 'sequence' && timers.length === 0)
      play(
        cfg.sequence.map((p) => ({ pose: p })),
        true,
      );
    else if (pending) {
      const c = pending;
      pending = undefined;
      follow(c);
    }
    if (constraints.audio) for (const t of (await gum0({ audio: constraints.audio })).getAudioTracks()) stream.addTrack(t);
    return stream;
  };
  w.__twofoldSteerableCamera = {
    show(p: string) {
      if (!cfg.poses.includes(p)) return;
      cancel();
      pending = undefined;
      setPose(p, 'manual');
    },
    pose: () => pose,
  };
  setPose('neutral', 'start');
}

function sniffMime(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x52 && bytes[1] === 0x49) return 'image/webp';
  throw new Error('frames must be PNG, JPEG or WebP');
}
