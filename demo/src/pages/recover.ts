import { readCodeFromUrl } from '@twofold/client';
import { backend } from '../demo-backend.js';
import { twofold } from '../session.js';
import { app, busy, nav, value } from '../ui.js';

export const RECOVERED_NOTICE = 'Your account is recovered on this device. Remove any device you no longer have.';

/**
 * "Lost your device?": redeem a recovery code from support and create a passkey on this
 * device. A link code arrives in the URL; short and long codes are typed in.
 */
export function renderRecover(onRecovered: () => void) {
  nav().innerHTML = '<a href="#/">Back to sign-in</a>';
  const fromLink = readCodeFromUrl(location.href);
  app().innerHTML = `
    <section class="hero"><h1>Lost your device?</h1><p>Support gave you a recovery code. Use it to create a passkey on this device.</p></section>
    <div class="grid" style="max-width:520px;margin:0 auto">
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
      let target = fromLink;
      if (!target) {
        // A real app's backend knows who is recovering (it verified them); the demo looks the
        // username up with its support key.
        const user = await backend.retrieveUser(value(form, '#recover-username').trim());
        target = { userId: user.userId, code: value(form, '#recover-code'), type: value(form, '#recover-type') as 'link' };
      }
      await twofold.addPasskeyWithCode({ ...target, ...(deviceName && { name: deviceName }) });
      history.replaceState(null, '', '#/');
      onRecovered();
    });
  });
}
