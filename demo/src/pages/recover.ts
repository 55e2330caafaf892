import { isTwofoldClientError, readCodeFromUrl, type CodeType, type RecoveryFlow } from '@twofold/client';
import { backend } from '../demo-backend.js';
import { twofold } from '../session.js';
import { app, busy, esc, explain, nav, value } from '../ui.js';
import { withFaceCamera } from './face.js';
import { stepsList } from './steps.js';

export const RECOVERED_NOTICE = 'Your account is recovered on this device. Remove any device you no longer have.';

/**
 * "Lost your device?": redeem a recovery code from support and create a passkey on this
 * device. A link code arrives in the URL; short and long codes are typed in. A code issued with
 * a face check (support does so when the customer has a face enrolled) continues with the face
 * (the bank hands the app the face's client state); an unfinished one resumes here after a reload.
 */
export function renderRecover(onRecovered: () => void) {
  nav().innerHTML = '<a href="#/">Back to sign-in</a>';
  const saved = twofold.recovery.saved;
  if (saved?.kind === 'new_device') return void resumeFaceRecovery(saved.userId, onRecovered);
  const fromLink = readCodeFromUrl({ url: location.href });
  app().innerHTML = `
    <section class="hero"><h1>Lost your device?</h1><p>Support gave you a recovery code. Use it to create a passkey on this device.</p></section>
    <div class="grid narrow">
      <form class="card" id="recover">
        ${
          fromLink
            ? `<h2>Recover with your link</h2><p class="sub">This link is for one account and works once.</p>`
            : `<h2>Enter your code</h2>
               <label for="recover-username">Username</label>
               <input id="recover-username" autocomplete="username" required placeholder="ada" />
               <label for="recover-type">Code type</label>
               <select id="recover-type"><option value="short">Short code (8 digits)</option><option value="long">Long code</option></select>
               <label for="recover-code">Code</label>
               <input id="recover-code" autocomplete="one-time-code" required placeholder="1234 5678" />`
        }
        <label for="recover-device">Name this device (optional)</label>
        <input id="recover-device" maxlength="64" placeholder="My new phone" />
        <button class="primary" type="submit">Create a passkey on this device</button>
        <div class="status" id="recover-status" role="status"></div>
      </form>
    </div>`;
  const form = app().querySelector<HTMLFormElement>('#recover')!;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const deviceName = value(form, '#recover-device').trim();
    void busy(form.querySelector('button')!, form.querySelector('.status')!, 'Checking your code…', async () => {
      let target: { userId: string; code: string; type: CodeType } | null = fromLink;
      if (!target) {
        // A real app's backend knows who is recovering (it verified them); the demo looks the
        // username up through the support console's route.
        const user = await backend.retrieveUser(value(form, '#recover-username').trim());
        target = { userId: user.userId, code: value(form, '#recover-code'), type: value(form, '#recover-type') as CodeType };
      }
      try {
        await twofold.addPasskeyWithCode({ ...target, ...(deviceName && { deviceName }) });
      } catch (error) {
        // Support issued a code that needs a face check too: the bank hands the app the
        // enrolled face's client state, and the recovery continues as a code + face flow.
        if (!isTwofoldClientError(error, 'FACE_REQUIRED')) throw error;
        const flow = await twofold.recovery.start({ kind: 'new_device', ...target });
        return renderFaceRecovery(flow, await backend.faceClientState(target.userId), deviceName, onRecovered);
      }
      history.replaceState(null, '', '#/');
      onRecovered();
    });
  });
}

async function resumeFaceRecovery(userId: string, onRecovered: () => void) {
  app().innerHTML = '<p class="status"><span class="spinner"></span>Resuming your recovery…</p>';
  try {
    const flow = await twofold.recovery.get();
    if (flow?.status === 'open') return renderFaceRecovery(flow, await backend.faceClientState(userId), '', onRecovered);
  } catch (error) {
    app().innerHTML = `<p class="status error">${esc(explain(error))}</p>`;
  }
  renderRecover(onRecovered); // ended or expired: start again
}

/** The face recovery's steps: the code was checked when the flow began; face, then passkey. */
function renderFaceRecovery(flow: RecoveryFlow, clientState: string | null, deviceName: string, onRecovered: () => void) {
  const again = (next: RecoveryFlow) => renderFaceRecovery(next, clientState, deviceName, onRecovered);
  app().innerHTML = `
    <section class="hero"><h1>Recover your account</h1><p>Your face proves it is you; then this device gets its own passkey.</p></section>
    <div class="card narrow" id="face-recovery">
      ${stepsList('new_device', flow, flow.step)}
      ${
        flow.step === 'face'
          ? `<p class="sub">Show your face to the camera and follow the moves. A few frames go to the bank for the check; they are not stored.</p>
             <button class="primary" id="recovery-face">Verify my face</button>`
          : `<p class="sub">It is you. Create the passkey for this device.</p>
             <label for="recovery-device">Name this device (optional)</label>
             <input id="recovery-device" maxlength="64" placeholder="My new phone" value="${esc(deviceName)}" />
             <button class="primary" id="recovery-passkey">Create a passkey on this device</button>`
      }
      <div class="status" id="recovery-status" role="status"></div>
      <p class="hint"><a href="#" id="recovery-cancel">Cancel</a> — nothing changes and your code stays valid.</p>
    </div>`;
  const card = app().querySelector<HTMLElement>('#face-recovery')!;
  const status = card.querySelector<HTMLElement>('#recovery-status')!;
  const button = card.querySelector<HTMLButtonElement>('button.primary')!;
  card.querySelector('#recovery-face')?.addEventListener('click', () => {
    void busy(button, status, 'Verifying your face…', async () => {
      again(
        await withFaceCamera((face, session) =>
          twofold.recovery.verifyFace({ capture: face.faceCapture(session), ...(clientState && { clientState }) }),
        ),
      );
    });
  });
  card.querySelector('#recovery-passkey')?.addEventListener('click', () => {
    const name = value(card, '#recovery-device').trim();
    void busy(button, status, 'Creating your passkey…', async () => {
      await twofold.recovery.bindPasskey(name ? { deviceName: name } : {});
      history.replaceState(null, '', '#/');
      onRecovered();
    });
  });
  card.querySelector('#recovery-cancel')!.addEventListener('click', (e) => {
    e.preventDefault();
    void busy(button, status, 'Cancelling…', async () => {
      await twofold.recovery.abandon();
      renderRecover(onRecovered);
    });
  });
}
