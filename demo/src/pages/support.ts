import { backend } from '../demo-backend.js';
import { app, busy, esc, nav, say, value, when } from '../ui.js';
import { deviceList } from './account.js';

/**
 * The support console: the bank's staff routes (demo/server.ts, `/bank/support/...`), which call
 * Twofold in-process — the page holds no key. After confirming a caller's identity by its
 * own means, an agent looks the customer up and issues a recovery code to read out or send.
 */
export function renderSupport() {
  nav().innerHTML = '<a href="#/">Customer site</a>';
  app().innerHTML = `
    <div class="account-head">
      <div><h1>Support console</h1><p>For agents, after verifying the caller's identity. Demo only: a real bank puts this behind a staff login.</p></div>
    </div>
    <div class="grid">
      <form class="card" id="lookup">
        <h2>Find a customer</h2>
        <label for="lookup-username">Username</label>
        <input id="lookup-username" autocomplete="off" required placeholder="ada" />
        <button class="primary" type="submit">Look up</button>
        <div class="status" id="lookup-status" role="status"></div>
      </form>
      <section class="card" id="customer" hidden></section>
    </div>`;
  const form = app().querySelector<HTMLFormElement>('#lookup')!;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(form.querySelector('button')!, form.querySelector('.status')!, 'Looking up…', async () => {
      const user = await backend.retrieveUser(value(form, '#lookup-username').trim());
      await showCustomer(user);
    });
  });
}

async function showCustomer(user: { userId: string; username: string; displayName: string; createdAt: string }) {
  const card = app().querySelector<HTMLElement>('#customer')!;
  const [devices, flows] = await Promise.all([backend.devices(user.userId), backend.recoveries(user.userId)]);
  const open = flows.filter((f) => f.status === 'open');
  card.hidden = false;
  card.innerHTML = `
    <h2>${esc(user.displayName)} <span class="tag">${esc(user.username)}</span></h2>
    <p class="sub">Customer since ${esc(when(user.createdAt))} · id <code>${esc(user.userId)}</code></p>
    <h3>Devices</h3>
    <ul class="devices" id="customer-devices">${deviceList(devices, undefined, ['delete']) || '<li class="hint">No devices.</li>'}</ul>
    <h3>Recovery in progress</h3>
    <ul class="events" id="customer-flows">${
      open
        .map(
          (f) =>
            `<li><span>${f.kind === 'new_device' ? 'New device (code + face)' : 'PIN and passkey reset (face)'} — next: ${esc(f.step)}${f.pinReset ? ' · PIN already reset' : ''}</span><time>until ${esc(when(f.expiresAt))}</time></li>`,
        )
        .join('') || '<li>None.</li>'
    }</ul>
    ${open.length ? '<button class="ghost" id="cancel-flows">Cancel recovery (the customer did not start it)</button>' : ''}
    <h3>Issue a recovery code</h3>
    <div class="row">
      <div><label for="code-type">Delivery</label>
        <select id="code-type">
          <option value="short">Short — read it out on the phone</option>
          <option value="long">Long — send by SMS or chat</option>
          <option value="link">Link — send by email</option>
        </select></div>
      <div><label for="code-ttl">Valid for</label>
        <select id="code-ttl"><option value="600">10 minutes</option><option value="3600">1 hour</option><option value="86400">24 hours</option></select></div>
    </div>
    <label class="check"><input type="checkbox" id="code-face" ${devices.some((d) => d.type === 'backup') ? 'checked' : ''} />
      Also require a face check (the customer has ${devices.some((d) => d.type === 'backup') ? 'a face enrolled' : 'no face enrolled'})</label>
    <button class="primary" id="generate">Issue code</button>
    <div id="issued"></div>
    <button class="ghost" id="invalidate" style="margin-top:12px">Cancel all of this customer's codes</button>
    <div class="status" id="customer-status" role="status"></div>`;
  const status = card.querySelector<HTMLElement>('#customer-status')!;
  card.querySelector<HTMLButtonElement>('#generate')!.addEventListener('click', (e) => {
    void busy(e.currentTarget as HTMLButtonElement, status, 'Issuing…', async () => {
      const type = value(card, '#code-type') as 'short' | 'long' | 'link';
      const requireFace = card.querySelector<HTMLInputElement>('#code-face')!.checked;
      const issued = await backend.generateCode(user.userId, type, Number(value(card, '#code-ttl')), requireFace);
      const shown = type === 'short' ? issued.code.replace(/(\d{4})(\d{4})/, '$1 $2') : issued.code;
      card.querySelector('#issued')!.innerHTML = `
        <div class="issued">
          <div class="hint">Give this to the customer. It is shown once and works once, until ${esc(when(issued.expiresAt))}${issued.requireFace ? ', together with a face check' : ''}.</div>
          <div class="code" id="issued-code">${esc(shown)}</div>
          ${issued.link ? `<div class="hint">Link: <a id="issued-link" href="${esc(issued.link)}">${esc(issued.link)}</a></div>` : ''}
        </div>`;
    });
  });
  card.querySelector<HTMLButtonElement>('#cancel-flows')?.addEventListener('click', (e) => {
    void busy(e.currentTarget as HTMLButtonElement, status, 'Cancelling…', async () => {
      const { cancelled } = await backend.cancelRecoveries(user.userId);
      await showCustomer(user);
      say(
        card.querySelector<HTMLElement>('#customer-status')!,
        cancelled === 1 ? 'The recovery is cancelled.' : `${cancelled} recoveries cancelled.`,
        'ok',
      );
    });
  });
  card.querySelector<HTMLButtonElement>('#invalidate')!.addEventListener('click', (e) => {
    void busy(e.currentTarget as HTMLButtonElement, status, 'Cancelling…', async () => {
      const { invalidated } = await backend.invalidateCodes(user.userId);
      card.querySelector('#issued')!.innerHTML = '';
      say(status, `${invalidated} code${invalidated === 1 ? '' : 's'} cancelled.`, 'ok');
    });
  });
  card.querySelector('#customer-devices')!.addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest('button');
    const item = button?.closest<HTMLElement>('[data-device-id]');
    if (!button || !item || !confirm('Remove this device from the customer’s account?')) return;
    void busy(button, status, 'Removing…', async () => {
      await backend.deleteDevice(user.userId, item.dataset.deviceId!);
      await showCustomer(user);
    });
  });
}
