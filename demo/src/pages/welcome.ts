import { isAutofillSupported, isTwofoldClientError } from '@twofold/client';
import { customer, twofold } from '../session.js';
import { app, busy, esc, explain, nav, say, value } from '../ui.js';

let autofill: AbortController | null = null;

/** Stops the pending autofill request (when leaving the page). */
export const stopAutofill = () => autofill?.abort();

export function renderWelcome() {
  nav().innerHTML = '<a href="#/support">Support console</a>';
  app().innerHTML = `
    <section class="hero">
      <h1>Banking without passwords</h1>
      <p>Sign in with the fingerprint, face or PIN you already use to unlock this device.</p>
    </section>
    <div class="grid">
      <form class="card" id="signin" autocomplete="on">
        <h2>Sign in</h2>
        <p class="sub">Pick your passkey from the username field, or use the button.</p>
        <label for="signin-username">Username</label>
        <input id="signin-username" name="username" autocomplete="username webauthn" placeholder="ada" />
        <button class="primary" type="submit" id="signin-button">Sign in with a passkey</button>
        <div class="status" id="signin-status" role="status"></div>
        <p class="hint"><a href="#/recover">Lost your device?</a></p>
      </form>
      ${pinCard()}
      <form class="card" id="signup">
        <h2>Open an account</h2>
        <p class="sub">One step: your device creates a passkey. No password to remember.</p>
        <label for="signup-username">Username</label>
        <input id="signup-username" name="new-username" autocomplete="off" required maxlength="64" placeholder="ada" />
        <label for="signup-name">Your name</label>
        <input id="signup-name" name="name" autocomplete="name" maxlength="128" placeholder="Ada Lovelace" />
        <button class="primary" type="submit" id="signup-button">Create account</button>
        <div class="status" id="signup-status" role="status"></div>
      </form>
    </div>`;

  wirePinCard();
  const signup = app().querySelector<HTMLFormElement>('#signup')!;
  signup.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = value(signup, '#signup-username');
    const displayName = value(signup, '#signup-name').trim();
    void busy(signup.querySelector('button')!, signup.querySelector('.status')!, 'Creating your passkey…', async () => {
      await twofold.signUp({ username, ...(displayName && { displayName }) });
    });
  });

  const signin = app().querySelector<HTMLFormElement>('#signin')!;
  signin.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = value(signin, '#signin-username').trim();
    void busy(signin.querySelector('button')!, signin.querySelector('.status')!, 'Waiting for your passkey…', async () => {
      // Starting this ceremony cancels the waiting autofill one (shared abort handling).
      await twofold.signIn(username ? { username } : {});
    });
  });

  // Passkey autofill: offered in the username field while this page is open.
  autofill?.abort();
  autofill = new AbortController();
  const signal = autofill.signal;
  void isAutofillSupported().then((supported) => {
    if (!supported || signal.aborted) return;
    twofold.signInWithAutofill({ signal }).catch((error) => {
      // Autofill is offered, not asked for: stay quiet unless the server refused a chosen passkey.
      if (isTwofoldClientError(error, 'ABORTED', 'CANCELLED', 'NOT_SUPPORTED')) return;
      const status = document.querySelector<HTMLElement>('#signin-status');
      if (status) say(status, explain(error));
    });
  });
}

/** "Passkey not working?": the app PIN fallback for the customer this browser knows. */
function pinCard(): string {
  const known = customer.get();
  if (!known) return '';
  return `
      <form class="card" id="pin-signin">
        <h2>Welcome back, ${esc(known.displayName)}</h2>
        <p class="sub">Passkey not working on this device? Use your app PIN.</p>
        <label for="signin-pin">App PIN</label>
        <input id="signin-pin" type="password" inputmode="numeric" autocomplete="current-password" required maxlength="12" />
        <button class="primary" type="submit">Sign in with PIN</button>
        <div class="status" id="pin-signin-status" role="status"></div>
        <a class="button primary" id="pin-reset" href="#/reset" hidden>Reset my PIN with my face</a>
        <p class="hint"><a href="#/reset" id="reset-link">Forgot your PIN? Reset it with your face</a> · <a href="#" id="forget-me">Not ${esc(known.username)}?</a></p>
      </form>`;
}

function wirePinCard() {
  const form = app().querySelector<HTMLFormElement>('#pin-signin');
  const known = customer.get();
  if (!form || !known) return;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = form.querySelector<HTMLInputElement>('#signin-pin')!;
    void busy(form.querySelector('button')!, form.querySelector('.status')!, 'Checking your PIN…', async () => {
      try {
        await twofold.signInWithPin({ userId: known.userId, pin: input.value });
      } catch (error) {
        // Locked out: the way back is a face check (the reset flow), offered right here.
        if (isTwofoldClientError(error, 'PIN_LOCKED')) form.querySelector<HTMLElement>('#pin-reset')!.hidden = false;
        throw error;
      } finally {
        input.value = '';
      }
    });
  });
  form.querySelector('#forget-me')!.addEventListener('click', (e) => {
    e.preventDefault();
    customer.forget();
    renderWelcome();
  });
}
