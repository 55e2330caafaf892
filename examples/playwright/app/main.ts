/**
 * A tiny page on `@twofold/client`: sign up, sign in, add this device with a code, enroll a face,
 * recover on a new device with a code and a face check, and confirm a step-up transaction.
 * The server (`../server.ts`) bundles it with esbuild and serves it beside the Twofold API.
 */
import { createTwofoldClient, isTwofoldClientError } from '@twofold/client';
import type { FaceSession } from '@twofold/client/face';

const twofold = createTwofoldClient({ baseUrl: '/api/v1' });
const $ = <T extends HTMLElement = HTMLInputElement>(selector: string) => document.querySelector<T>(selector)!;
const say = (text: string) => ($('#status').textContent = text);

async function show() {
  const signedIn = !!twofold.session;
  $('#signed-out').hidden = signedIn;
  $('#signed-in').hidden = !signedIn;
  if (!signedIn) return void ($('#title').textContent = 'Welcome');
  const me = await twofold.getMe();
  $('#title').textContent = `Hello, ${me.username}`;
  $('#devices').replaceChildren(
    ...(await twofold.devices.list()).map((d) => Object.assign(document.createElement('li'), { textContent: `${d.type}: ${d.name}` })),
  );
}

/** Runs an action, reporting its outcome (or the error's stable code) in #status. */
function action(done: string, run: () => Promise<unknown>) {
  return async (event: Event) => {
    event.preventDefault();
    say('Working…');
    try {
      await run();
      say(done);
      await show();
    } catch (error) {
      say(`Failed: ${isTwofoldClientError(error) ? error.code : String(error)}`);
    }
  };
}

/** Opens the camera, runs a face capture with the client's face engine, and closes it. */
async function withFace<T>(run: (face: typeof import('@twofold/client/face'), session: FaceSession) => Promise<T>) {
  const face = await import('@twofold/client/face');
  const engine = await face.createFaceEngine(face.DEFAULT_FACE_ASSETS);
  const camera = await face.startCamera({ video: $<HTMLVideoElement>('#camera') });
  try {
    return await run(face, { engine, video: camera.video, timeoutMs: 40_000 });
  } finally {
    camera.stop();
  }
}

$('#signup').addEventListener(
  'submit',
  action('Account created', () => twofold.signUp({ username: $('#signup-username').value })),
);
$('#signin').addEventListener(
  'click',
  action('Signed in', () => twofold.signIn()),
);
$('#signout').addEventListener(
  'click',
  action('Signed out', async () => twofold.signOut()),
);
$('#add-device').addEventListener(
  'submit',
  action('Device added', () => twofold.addPasskeyWithCode({ userId: $('#code-user').value, code: $('#code-value').value, type: 'short' })),
);
$('#enroll-face').addEventListener(
  'click',
  action('Face enrolled', () =>
    withFace((face, s) => face.enrollFace({ ...s, api: twofold.api, token: twofold.session!.token, userId: twofold.session!.userId })),
  ),
);
$('#recover').addEventListener(
  'submit',
  action('Recovered', async () => {
    await twofold.recovery.start({ kind: 'new_device', userId: $('#recover-user').value, code: $('#recover-code').value, type: 'short' });
    await withFace((face, s) => twofold.recovery.verifyFace({ capture: face.faceCapture(s) }));
    await twofold.recovery.bindPasskey();
  }),
);
$('#transaction').addEventListener(
  'submit',
  action('Transaction approved', async () => {
    const { context } = await twofold.transactions.confirm<{ cardPin: string }>({ transactionId: $('#transaction-id').value });
    $('#transaction-result').textContent = `Card PIN: ${context.cardPin}`;
  }),
);
void show();
