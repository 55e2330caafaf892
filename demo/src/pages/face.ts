import type { FaceProgress, FaceSession } from '@twofold/client/face';
import { twofold } from '../session.js';

const WORDS: Record<FaceProgress['guidance'], string> = {
  no_face: 'Looking for your face…',
  several_faces: 'Only one face, please',
  too_far: 'Come a little closer',
  too_close: 'Move back a little',
  off_centre: 'Centre your face in the frame',
  too_dark: 'It is too dark — find more light',
  blurry: 'The picture is blurry — hold the device still',
  hold_still: 'Hold still',
  look_at_camera: 'Look straight at the camera',
  reach_target: 'Move your face so the dot sits in the ring',
  turn_left: 'Turn your head slowly to the left of the picture',
  turn_right: 'Turn your head slowly to the right of the picture',
  move_closer: 'Now move closer to the camera',
  sending: 'Sending the frames for the check…',
  done: 'Done — checking…',
};

type FaceModule = typeof import('@twofold/client/face');

/**
 * How long a person gets for the moves: 20 s. A test seam (`localStorage['northwind.faceTimeoutMs']`,
 * 5–120 s) lets the e2e tests give a loaded CI host, whose in-page tracker runs on a software GPU,
 * more time; the server's checks do not change with it.
 */
function faceTimeoutMs(): number {
  const set = Number(localStorage.getItem('northwind.faceTimeoutMs'));
  return set >= 5_000 && set <= 120_000 ? set : 20_000;
}

/**
 * Opens the camera in an overlay with live guidance and hands `run` a camera session; closes it
 * when `run` settles. The face module and its models load only now, not with the page.
 */
export async function withFaceCamera<T>(run: (face: FaceModule, session: FaceSession) => Promise<T>): Promise<T> {
  const overlay = document.createElement('div');
  overlay.className = 'face-overlay';
  overlay.innerHTML = `
    <div class="face-box">
      <div class="face-stage"><video id="face-video" muted playsinline></video><div class="face-frame" id="face-frame"></div><div class="face-target" id="face-target"></div><div class="face-dot" id="face-dot"></div></div>
      <p class="face-guidance" id="face-guidance" role="status">Loading the face models…</p>
      <div class="face-steps" id="face-steps"></div>
      <button class="ghost" id="face-cancel">Cancel</button>
    </div>`;
  document.body.append(overlay);
  const controller = new AbortController();
  overlay.querySelector('#face-cancel')!.addEventListener('click', () => controller.abort());
  const say = (text: string) => (overlay.querySelector('#face-guidance')!.textContent = text);
  let stop = () => {};
  try {
    const face = await import('@twofold/client/face');
    const engine = await face.createFaceEngine(face.DEFAULT_FACE_ASSETS);
    say('Starting the camera…');
    const camera = await face.startCamera({ video: overlay.querySelector<HTMLVideoElement>('#face-video')! });
    stop = camera.stop;
    const onProgress = (p: FaceProgress) => {
      say(WORDS[p.guidance]);
      overlay.querySelector('#face-steps')!.innerHTML = Array.from(
        { length: p.total },
        (_, i) => `<span class="${i < p.done ? 'on' : ''}"></span>`,
      ).join('');
      const frame = overlay.querySelector<HTMLElement>('#face-frame')!;
      if (p.box) {
        const v = camera.video;
        Object.assign(frame.style, {
          display: 'block',
          left: `${(1 - (p.box.x + p.box.width) / v.videoWidth) * 100}%`, // the preview is mirrored
          top: `${(p.box.y / v.videoHeight) * 100}%`,
          width: `${(p.box.width / v.videoWidth) * 100}%`,
          height: `${(p.box.height / v.videoHeight) * 100}%`,
        });
      } else frame.style.display = 'none';
      // The ring is where the centre of the face (its eyes and mouth) must go for this action; the dot is where it is.
      const v = camera.video;
      const place = (el: HTMLElement, at: { x: number; y: number } | null, radius: number) => {
        if (!at || !v.videoWidth) return void (el.style.display = 'none');
        Object.assign(el.style, {
          display: 'block',
          left: `${(1 - (at.x + radius) / v.videoWidth) * 100}%`, // mirrored, like the preview
          top: `${((at.y - radius) / v.videoHeight) * 100}%`,
          width: `${((2 * radius) / v.videoWidth) * 100}%`,
          height: `${((2 * radius) / v.videoHeight) * 100}%`,
        });
      };
      place(overlay.querySelector<HTMLElement>('#face-target')!, p.target, p.target?.radius ?? 0);
      place(overlay.querySelector<HTMLElement>('#face-dot')!, p.target && p.centre, 4);
    };
    return await run(face, { engine, video: camera.video, onProgress, signal: controller.signal, timeoutMs: faceTimeoutMs() });
  } finally {
    stop();
    overlay.remove();
  }
}

/** One face session of the signed-in user's face card: enroll, or verify. */
export async function faceSession(mode: 'enroll' | 'verify', userId: string): Promise<string> {
  return withFaceCamera(async (face, session) => {
    if (mode === 'enroll') {
      await face.enrollFace({ ...session, api: twofold.api, token: twofold.session!.token, userId });
      return 'Your face is enrolled. You can use it to recover your account.';
    }
    // A face sign-in needs this browser's device key (bound at the passkey sign-in).
    const result = await face.verifyFace({
      ...session,
      api: twofold.api,
      userId,
      ...(twofold.deviceKeys && { deviceKeys: twofold.deviceKeys }),
    });
    return result.match ? 'It is you: face verified.' : 'Not verified.';
  });
}
