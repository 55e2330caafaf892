import { createTwofoldClient, isAutofillSupported, isTwofoldClientError, type Device } from '@twofold/client';
import './style.css';

const twofold = createTwofoldClient({ onSessionChange: () => void route() });
const app = document.querySelector<HTMLElement>('#app')!;
const nav = document.querySelector<HTMLElement>('#nav')!;
let autofill: AbortController | null = null;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Friendly words for the error codes users can actually hit. */
function explain(error: unknown): string {
  if (!isTwofoldClientError(error)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'USERNAME_TAKEN': return 'That username is taken — sign in instead?';
    case 'CANCELLED': return 'The passkey prompt was closed. Try again when you are ready.';
    case 'ABORTED': return 'Cancelled.';
    case 'AUTHENTICATOR_ALREADY_REGISTERED': return 'This device already has a passkey for your account.';
    case 'NOT_SUPPORTED': return 'This browser cannot use passkeys.';
    case 'CREDENTIAL_NOT_FOUND': return 'That passkey is not registered here (was the device removed?).';
    case 'CHALLENGE_EXPIRED': return 'That took too long; please try again.';
    case 'INVALID_REQUEST': return `Please check your input: ${error.message}`;
    case 'NETWORK_ERROR': return 'The server could not be reached.';
    default: return `${error.message} (${error.code})`;
  }
}

/** Runs `task` with a busy button and a status line (progress feedback on anything slow). */
async function busy(button: HTMLButtonElement, status: HTMLElement, label: string, task: () => Promise<void>) {
  const text = button.textContent;
  button.disabled = true;
  button.innerHTML = `<span class="spinner"></span>${esc(label)}`;
  status.className = 'status';
  status.textContent = '';
  try {
    await task();
  } catch (error) {
    status.className = 'status error';
    status.textContent = explain(error);
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

function renderWelcome() {
  nav.innerHTML = '';
  app.innerHTML = `
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
      </form>
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

  const signupForm = app.querySelector<HTMLFormElement>('#signup')!;
  signupForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = (signupForm.querySelector('#signup-username') as HTMLInputElement).value;
    const displayName = (signupForm.querySelector('#signup-name') as HTMLInputElement).value;
    void busy(signupForm.querySelector('button')!, signupForm.querySelector('.status')!, 'Creating your passkey…', async () => {
      await twofold.signUp({ username, ...(displayName.trim() && { displayName }) });
    });
  });

  const signinForm = app.querySelector<HTMLFormElement>('#signin')!;
  signinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = (signinForm.querySelector('#signin-username') as HTMLInputElement).value.trim();
    void busy(signinForm.querySelector('button')!, signinForm.querySelector('.status')!, 'Waiting for your passkey…', async () => {
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
      const status = document.querySelector('#signin-status');
      if (status) {
        status.className = 'status error';
        status.textContent = explain(error);
      }
    });
  });
}

const ICONS = {
  key: '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="7.5" cy="15.5" r="4.5"/><path d="M10.7 12.3 21 2M16 7l3 3M18 5l2 2"/></svg>',
  cloud: '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M17.5 19H8a5 5 0 1 1 1.1-9.9A6 6 0 0 1 20 11.5a3.8 3.8 0 0 1-2.5 7.5z"/></svg>',
  face: '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01"/></svg>',
};
const deviceIcon = (d: Device) => (d.type === 'passkey' ? (d.passkey?.backupEligible ? ICONS.cloud : ICONS.key) : ICONS.face);

async function renderAccount() {
  autofill?.abort();
  app.innerHTML = `<p class="status"><span class="spinner"></span>Loading your account…</p>`;
  let me, devices, events;
  try {
    [me, devices, events] = await Promise.all([twofold.me(), twofold.devices.list(), twofold.events()]);
  } catch (error) {
    app.innerHTML = `<p class="status error">${esc(explain(error))}</p>`;
    return;
  }
  const current = twofold.session?.deviceId;
  nav.innerHTML = `<span>Signed in as <strong>${esc(me.username)}</strong></span> <button class="ghost" id="signout">Sign out</button>`;
  nav.querySelector('#signout')!.addEventListener('click', () => twofold.signOut());
  app.innerHTML = `
    <div class="account-head">
      <div><h1>Hello, ${esc(me.displayName)}</h1><p>Manage the devices that can sign in to your account.</p></div>
    </div>
    <div class="grid">
      <section class="card" style="grid-column: 1 / -1">
        <h2>Your devices</h2>
        <p class="sub">Each passkey lives on one device or in a synced password manager. Remove any you no longer use.</p>
        <ul class="devices" id="devices">
          ${devices
            .map(
              (d) => `
            <li class="device" data-device-id="${esc(d.id)}">
              <div class="icon" aria-hidden="true">${deviceIcon(d)}</div>
              <div class="meta">
                <div class="name">${esc(d.name)}${d.id === current ? '<span class="badge this">this device</span>' : ''}${d.passkey?.backedUp ? '<span class="badge">synced</span>' : ''}</div>
                <div class="facts">Added ${esc(when(d.createdAt))} · last used ${esc(when(d.lastUsedAt))}</div>
              </div>
              <div class="actions">
                <button class="ghost" data-action="rename">Rename</button>
                <button class="danger" data-action="delete">Remove</button>
              </div>
            </li>`,
            )
            .join('')}
        </ul>
        <button class="primary" id="add-passkey" style="width:auto">Add a passkey on this device</button>
        <div class="status" id="devices-status" role="status"></div>
      </section>
      <section class="card" style="grid-column: 1 / -1">
        <h2>Recent security activity</h2>
        <ul class="events">
          ${events.slice(0, 8).map((e) => `<li><span>${esc(describeEvent(e.type, e.data))}</span><time>${esc(when(e.at))}</time></li>`).join('') || '<li>No activity yet.</li>'}
        </ul>
      </section>
    </div>`;

  const status = app.querySelector<HTMLElement>('#devices-status')!;
  app.querySelector<HTMLButtonElement>('#add-passkey')!.addEventListener('click', (e) => {
    void busy(e.currentTarget as HTMLButtonElement, status, 'Creating a passkey…', async () => {
      await twofold.addPasskey();
      await renderAccount();
    });
  });
  app.querySelector('#devices')!.addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest('button');
    const item = button?.closest<HTMLElement>('[data-device-id]');
    if (!button || !item) return;
    const id = item.dataset.deviceId!;
    const name = item.querySelector('.name')!.firstChild!.textContent ?? '';
    if (button.dataset.action === 'delete') {
      const last = devices.length === 1 ? ' It is your only passkey: you will not be able to sign in again.' : '';
      if (!confirm(`Remove “${name}”? It will no longer be able to sign in.${last}`)) return;
      void busy(button, status, 'Removing…', async () => {
        await twofold.devices.remove(id);
        if (id === current) twofold.signOut();
        else await renderAccount();
      });
    } else if (button.dataset.action === 'rename') {
      const next = prompt('New name for this device', name)?.trim();
      if (!next) return;
      void busy(button, status, 'Saving…', async () => {
        await twofold.devices.rename(id, next);
        await renderAccount();
      });
    }
  });
}

function describeEvent(type: string, data: Record<string, unknown>): string {
  const name = typeof data.name === 'string' ? ` “${data.name}”` : '';
  switch (type) {
    case 'user.created': return 'Account opened';
    case 'user.signed_in': return 'Signed in with a passkey';
    case 'passkey.added': return `Passkey added${name}`;
    case 'device.removed': return `Device removed${name}`;
    case 'device.renamed': return `Device renamed to “${String(data.to)}”`;
    case 'passkey.counter_regression': return 'Blocked a sign-in from a possibly cloned passkey';
    default: return type;
  }
}

function route() {
  if (twofold.session) void renderAccount();
  else renderWelcome();
}

route();
