import { isTwofoldClientError, type RecoveryFlow } from '@twofold/client';
import { customer, twofold, type Customer } from '../session.js';
import { app, busy, esc, explain, nav, say, value } from '../ui.js';
import { withFaceCamera } from './face.js';
import { stepsList } from './steps.js';

export const RESET_NOTICE = 'Your app PIN and your passkey on this device are reset.';

/**
 * "Reset your PIN and passkey with your face" (biometrics changed, PIN forgotten or locked):
 * choose a new PIN, verify the face, set up the passkey again on this device. Each step is
 * recorded by the server, so a reload resumes where it stopped; cancelling changes nothing.
 */
export async function renderReset(onDone: (notice: string) => void) {
  nav().innerHTML = '<a href="#/">Back to sign-in</a>';
  const known = customer.get();
  if (!known) {
    app().innerHTML = `<div class="card narrow"><h2>Reset your PIN</h2><p class="sub">This browser does not know your account yet.
      Use the device you bank with, or <a href="#/recover">recover your account on this device</a>.</p></div>`;
    return;
  }
  app().innerHTML = '<p class="status"><span class="spinner"></span>Loading…</p>';
  let flow: RecoveryFlow | null = null;
  let notice = '';
  const saved = twofold.recovery.saved;
  if (saved?.kind === 'credential_reset' && saved.userId === known.userId) {
    try {
      flow = await twofold.recovery.get();
    } catch (error) {
      notice = explain(error);
    }
    if (flow && flow.status !== 'open') {
      notice = `Your earlier reset ${flow.status === 'expired' ? 'expired' : 'ended'}; start again.`;
      flow = null;
    }
  }
  render(known, flow, notice, onDone);
}

function render(known: Customer, flow: RecoveryFlow | null, notice: string, onDone: (notice: string) => void) {
  const step = flow?.step ?? 'pin';
  const again = (next: RecoveryFlow | null) => render(known, next, '', onDone);
  app().innerHTML = `
    <section class="hero"><h1>Reset your PIN and passkey</h1><p>For ${esc(known.displayName)}: three steps with your face, no new account needed.</p></section>
    <div class="card narrow" id="reset">
      ${notice ? `<div class="notice warn" role="status">${esc(notice)}</div>` : ''}
      ${stepsList('credential_reset', flow, step)}
      <div id="reset-step">${stepHtml(step, flow)}</div>
      <div class="status" id="reset-status" role="status"></div>
      ${step !== 'passkey' ? '<p class="hint"><a href="#" id="reset-cancel">Cancel the reset</a> — nothing changes.</p>' : ''}
    </div>`;
  const card = app().querySelector<HTMLElement>('#reset')!;
  const status = card.querySelector<HTMLElement>('#reset-status')!;
  const button = card.querySelector<HTMLButtonElement>('#reset-step button.primary');

  card.querySelector('#reset-cancel')?.addEventListener('click', (e) => {
    e.preventDefault();
    void busy(button!, status, 'Cancelling…', async () => {
      await twofold.recovery.abandon();
      location.hash = '#/';
    });
  });

  if (step === 'pin') {
    card.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      const pin = value(card, '#reset-pin');
      if (pin !== value(card, '#reset-pin-again')) return say(status, 'The two PINs differ.');
      void busy(button!, status, 'Saving…', async () => {
        if (!flow) flow = await twofold.recovery.start({ kind: 'credential_reset', userId: known.userId });
        if (!flow.faceEnrolled) {
          await twofold.recovery.abandon();
          return say(
            status,
            'No face is enrolled for your account, so it cannot reset your PIN. Sign in with your passkey, or call support.',
          );
        }
        again(await twofold.recovery.choosePin({ pin }));
      });
    });
  } else if (step === 'face') {
    button!.addEventListener('click', () => {
      void busy(button!, status, 'Verifying your face…', async () => {
        again(await withFaceCamera((face, session) => twofold.recovery.verifyFace({ capture: face.faceCapture(session) })));
      });
    });
  } else if (step === 'passkey') {
    button!.addEventListener('click', () => {
      void busy(button!, status, 'Creating your passkey…', async () => {
        try {
          await twofold.recovery.bindPasskey(known.deviceId ? { replaceDeviceId: known.deviceId } : {});
        } catch (error) {
          // The remembered passkey was removed meanwhile: nothing to replace.
          if (!isTwofoldClientError(error, 'DEVICE_NOT_FOUND')) throw error;
          await twofold.recovery.bindPasskey();
        }
        history.replaceState(null, '', '#/');
        onDone(RESET_NOTICE);
      });
    });
    card.querySelector('#reset-skip')!.addEventListener('click', (e) => {
      e.preventDefault();
      void busy(button!, status, 'Finishing…', async () => {
        await twofold.recovery.abandon(); // the PIN is already reset; only the passkey step is dropped
        history.replaceState(null, '', '#/');
        onDone('Your app PIN is reset. You can set up a passkey later from your account.');
      });
    });
  }
}

function stepHtml(step: RecoveryFlow['step'], flow: RecoveryFlow | null): string {
  switch (step) {
    case 'pin':
      return `<form>
        <p class="sub">Choose a new app PIN. Your current PIN keeps working (or stays locked) until your face is verified.</p>
        <label for="reset-pin">New PIN (4–12 digits)</label>
        <input id="reset-pin" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,12}" required />
        <label for="reset-pin-again">New PIN again</label>
        <input id="reset-pin-again" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,12}" required />
        <button class="primary" type="submit">Continue</button>
      </form>`;
    case 'face':
      return `<p class="sub">Now show your face to the camera and follow the moves. Your new PIN takes effect when it is you.</p>
        <button class="primary">Verify my face</button>`;
    case 'passkey':
      return `<p class="sub">${flow?.pinReset ? 'Your new PIN works now. ' : ''}Last step: set up the passkey on this device again with its screen lock.</p>
        <button class="primary">Set up my passkey</button>
        <p class="hint"><a href="#" id="reset-skip">Not now</a></p>`;
    default:
      return '<p class="sub">Done.</p>';
  }
}
