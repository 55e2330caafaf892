import { getAuthenticatorIcon, type Device } from '@twofold/client';
import type { SecurityEvent } from '@twofold/protocol';
import { customer, twofold } from '../session.js';
import { backend } from '../demo-backend.js';
import { app, busy, esc, explain, nav, say, value, when } from '../ui.js';
import { faceSession } from './face.js';

const ICONS = {
  key: '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="7.5" cy="15.5" r="4.5"/><path d="M10.7 12.3 21 2M16 7l3 3M18 5l2 2"/></svg>',
  cloud:
    '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M17.5 19H8a5 5 0 1 1 1.1-9.9A6 6 0 0 1 20 11.5a3.8 3.8 0 0 1-2.5 7.5z"/></svg>',
  face: '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01"/></svg>',
};
const deviceIcon = (d: Device) => (d.type === 'passkey' ? (d.passkey?.backupEligible ? ICONS.cloud : ICONS.key) : ICONS.face);

/**
 * "synced passkey" when the credential may live in a password manager on several devices
 * (WebAuthn BE flag: `credentialDeviceType: 'multiDevice'`), "device-bound" when it never
 * leaves its authenticator (a security key, a device-bound platform key).
 */
const passkeyBadge = (d: Device) =>
  !d.passkey
    ? ''
    : d.passkey.credentialDeviceType === 'multiDevice'
      ? `<span class="badge" title="${d.passkey.backedUp ? 'Backed up in a password manager' : 'Can be synced to your other devices'}">synced passkey</span>`
      : '<span class="badge device-only" title="Lives only on this authenticator">device-bound</span>';

/**
 * Replaces the generic icons of passkeys whose authenticator the community list knows (Google
 * Password Manager, 1Password, ...) by that provider's icon; the icons load on first use.
 */
export async function showAuthenticatorIcons(list: HTMLElement, devices: Device[]) {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  await Promise.all(
    devices.map(async (d) => {
      if (!d.passkey?.authenticator) return;
      const src = await getAuthenticatorIcon({ aaguid: d.passkey.aaguid, theme: dark ? 'dark' : 'light' });
      const slot = list.querySelector(`[data-device-id="${CSS.escape(d.id)}"] .icon`);
      if (!src || !slot) return;
      const img = document.createElement('img');
      img.src = src; // an SVG as an image runs no script; CSP allows data: images
      img.alt = d.passkey.authenticator.name;
      img.width = img.height = 24;
      slot.replaceChildren(img);
    }),
  );
}

/** Device rows with rename/remove buttons; `current` is marked "this device". */
export function deviceList(devices: Device[], current: string | undefined, actions: ('rename' | 'delete')[]) {
  return devices
    .map(
      (d) => `
    <li class="device" data-device-id="${esc(d.id)}">
      <div class="icon" aria-hidden="true">${deviceIcon(d)}</div>
      <div class="meta">
        <div class="name">${esc(d.name)}${d.id === current ? '<span class="badge this">this device</span>' : ''}${passkeyBadge(d)}</div>
        <div class="facts">${d.passkey?.authenticator && d.passkey.authenticator.name !== d.name ? `<span class="model">${esc(d.passkey.authenticator.name)}</span> · ` : ''}Added ${esc(when(d.createdAt))} · last used ${esc(when(d.lastUsedAt))}</div>
      </div>
      <div class="actions">
        ${actions.includes('rename') ? '<button class="ghost" data-action="rename">Rename</button>' : ''}
        ${actions.includes('delete') ? '<button class="danger" data-action="delete">Remove</button>' : ''}
      </div>
    </li>`,
    )
    .join('');
}

type EventText = string | ((data: Record<string, unknown>, name: string) => string);

/** What the activity list says for each audit event type (an unknown type shows as itself). */
const EVENT_TEXT: Record<string, EventText> = {
  'user.created': 'Account opened',
  'user.signed_in': (data) => (data.method === 'pin' ? 'Signed in with the app PIN' : 'Signed in with a passkey'),
  'pin.reset': 'App PIN reset after a face check',
  'face.enrolled': 'Face enrolled',
  'face.verified': 'Face verified',
  'face.mismatch': 'A face check failed: it did not match',
  'face.liveness_failed': 'A face check failed: no live person seen',
  'face.locked': 'Face checks paused after failed attempts',
  'recovery.started': (data) => (data.kind === 'new_device' ? 'Recovery on a new device started' : 'PIN and passkey reset started'),
  'recovery.completed': (data) => (data.kind === 'new_device' ? 'Account recovered on a new device' : 'PIN and passkey reset completed'),
  'recovery.abandoned': 'A recovery was cancelled',
  'recovery.cancelled': 'Support cancelled a recovery',
  'passkey.added': (data, name) =>
    data.via === 'code'
      ? `Passkey added with a recovery code${name}`
      : data.via === 'face'
        ? `Passkey added after a face check${name}`
        : `Passkey added${name}`,
  'device.removed': (_data, name) => `Device removed${name}`,
  'device.renamed': (data) => `Device renamed to “${String(data.to)}”`,
  'code.generated': (data) => `Recovery code issued (${String(data.type)})`,
  'code.redeemed': 'Recovery code used',
  'code.wrong': 'Wrong recovery code entered',
  'code.locked': 'Recovery code locked after wrong attempts',
  'code.throttled': 'Recovery code entry paused after many wrong attempts',
  'user.signed_out': 'Signed out',
  'sessions.revoked': (data) => `Signed out everywhere (${String(data.revoked)} session(s))`,
  'device_key.registered': 'This browser was set up for PIN sign-in',
  'codes.invalidated': 'Recovery codes cancelled',
  'passkey.counter_regression': 'Blocked a sign-in from a possibly cloned passkey',
  'passkey.step_up': 'Confirmed an action with a passkey',
  'transaction.created': 'A confirmation was requested',
  'transaction.approved': (data) => `Action approved (${String(data.method)})`,
  'transaction.denied': 'Action declined',
  'pin.set': 'App PIN set',
  'pin.replaced': 'App PIN changed',
  'pin.wrong': 'Wrong app PIN entered',
  'pin.locked': 'App PIN locked after wrong attempts',
};

function describeEvent(type: string, data: Record<string, unknown>): string {
  const text = Object.hasOwn(EVENT_TEXT, type) ? EVENT_TEXT[type]! : type; // not Object.prototype's names
  return typeof text === 'string' ? text : text(data, typeof data.name === 'string' ? ` “${data.name}”` : '');
}

const eventItems = (list: SecurityEvent[]) =>
  list.map((e) => `<li><span>${esc(describeEvent(e.type, e.data))}</span><time>${esc(when(e.at))}</time></li>`).join('');

export async function renderAccount(notice?: string) {
  app().innerHTML = `<p class="status"><span class="spinner"></span>Loading your account…</p>`;
  let me, devices, events;
  try {
    [me, devices, events] = await Promise.all([twofold.getMe(), twofold.devices.list(), twofold.listEventsPage({ limit: 8 })]);
  } catch (error) {
    app().innerHTML = `<p class="status error">${esc(explain(error))}</p>`;
    return;
  }
  customer.remember(me, twofold.session?.deviceId);
  const current = customer.get()?.deviceId ?? undefined;
  nav().innerHTML = `<span>Signed in as <strong>${esc(me.username)}</strong></span> <button class="ghost" id="signout">Sign out</button>`;
  // Ends the session on the server too (its token stops working), then returns to sign-in.
  nav()
    .querySelector('#signout')!
    .addEventListener('click', () => void twofold.signOut().catch((error: unknown) => alert(explain(error))));
  app().innerHTML = `
    ${notice ? `<div class="notice" role="status">${esc(notice)}</div>` : ''}
    <div class="account-head">
      <div><h1>Hello, ${esc(me.displayName)}</h1><p>Manage the devices that can sign in to your account.</p></div>
    </div>
    <div class="grid">
      <section class="card" style="grid-column: 1 / -1">
        <h2>Your devices</h2>
        <p class="sub">Each passkey lives on one device or in a synced password manager. Remove any you no longer use.</p>
        <ul class="devices" id="devices">${deviceList(devices, current, ['rename', 'delete'])}</ul>
        <div class="row-buttons">
          <button class="primary" id="add-passkey" style="width:auto">Add a passkey on this device</button>
          <button class="ghost" id="add-security-key" style="width:auto">Add a security key</button>
        </div>
        <p class="hint">Signed in somewhere you no longer trust? <a href="#" id="signout-everywhere">Sign out everywhere</a> ends every session, on every browser and device, this one too.</p>
        <div class="status" id="devices-status" role="status"></div>
      </section>
      <section class="card" id="card">
        <h2>Your card</h2>
        <div class="bank-card"><span>Northwind Debit</span><strong>•••• •••• •••• 4242</strong><span>PIN <b id="card-pin">••••</b></span></div>
        <button class="primary" id="view-pin">View card PIN</button>
        ${me.pin.set && !me.pin.locked ? '<p class="hint"><a href="#" id="view-pin-with-app-pin">Use my app PIN instead</a></p>' : ''}
        <div class="status" id="card-status" role="status"></div>
      </section>
      <section class="card" id="face-card">
        <h2>Face</h2>
        <p class="sub">Enroll your face to recover your account if you lose your devices. Your browser sends the bank a few camera frames of your face (one per move); the bank checks them, keeps only a sealed face template, and never stores the pictures.</p>
        ${devices.some((d) => d.type === 'backup') ? '<button class="primary" id="face-verify">Verify my face</button>' : '<button class="primary" id="face-enroll">Enroll my face</button>'}
        <div class="status" id="face-status" role="status"></div>
      </section>
      <form class="card" id="pin-form">
        <h2>App PIN</h2>
        <p class="sub">${
          me.pin.locked
            ? 'Your app PIN is locked after too many wrong tries. Choose a new one (right after a passkey or face sign-in).'
            : me.pin.set
              ? 'A fallback for when your passkey cannot be used. Changing it needs a recent passkey sign-in.'
              : 'A fallback for when your passkey cannot be used.'
        }</p>
        <label for="new-pin">${me.pin.set ? 'New PIN' : 'Choose a PIN'} (4–12 digits)</label>
        <input id="new-pin" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,12}" required />
        <button class="primary" type="submit">${me.pin.set ? 'Change PIN' : 'Set PIN'}</button>
        <div class="status" id="pin-status" role="status"></div>
      </form>
      <section class="card" style="grid-column: 1 / -1">
        <h2>Recent security activity</h2>
        <ul class="events">
          ${eventItems(events.events) || '<li>No activity yet.</li>'}
        </ul>
        <button class="ghost" id="older-events" ${events.nextCursor ? '' : 'hidden'}>Show older activity</button>
      </section>
    </div>`;

  // The whole history pages, so a flood of events (a stranger's guesses) cannot push anything out of reach.
  let cursor = events.nextCursor;
  const older = app().querySelector<HTMLButtonElement>('#older-events')!;
  older.addEventListener('click', () => {
    if (!cursor) return;
    older.disabled = true;
    void twofold
      .listEventsPage({ limit: 8, before: cursor })
      .then((page) => {
        app().querySelector('.events')!.insertAdjacentHTML('beforeend', eventItems(page.events));
        cursor = page.nextCursor;
        older.hidden = !cursor;
      })
      .catch((error: unknown) => alert(explain(error)))
      .finally(() => (older.disabled = false));
  });

  const cardStatus = app().querySelector<HTMLElement>('#card-status')!;
  const reveal = async (pin?: string) => {
    const { transactionId } = await backend.startViewCardPin(twofold.session?.token ?? '');
    const result = await twofold.transactions.confirm<{ cardPin: string }>({
      transactionId,
      ...(pin !== undefined && { pin }),
      onMessage: (m) => say(cardStatus, `${m} — confirm with your passkey…`, 'ok'),
    });
    app().querySelector('#card-pin')!.textContent = result.context.cardPin;
    say(cardStatus, 'Shown once. It hides again when you leave this page.', 'ok');
  };
  app()
    .querySelector<HTMLButtonElement>('#view-pin')!
    .addEventListener('click', (e) => {
      void busy(e.currentTarget as HTMLButtonElement, cardStatus, 'Confirming…', () => reveal());
    });
  app()
    .querySelector('#view-pin-with-app-pin')
    ?.addEventListener('click', (e) => {
      e.preventDefault();
      const pin = prompt('Your app PIN');
      if (!pin) return;
      void busy(app().querySelector<HTMLButtonElement>('#view-pin')!, cardStatus, 'Checking your PIN…', () => reveal(pin));
    });
  const faceStatus = app().querySelector<HTMLElement>('#face-status')!;
  for (const mode of ['enroll', 'verify'] as const) {
    app()
      .querySelector<HTMLButtonElement>(`#face-${mode}`)
      ?.addEventListener('click', (e) => {
        void busy(e.currentTarget as HTMLButtonElement, faceStatus, mode === 'enroll' ? 'Enrolling…' : 'Verifying…', async () => {
          const message = await faceSession(mode, me.userId);
          if (mode === 'enroll') await renderAccount(message);
          else say(faceStatus, message, 'ok');
        });
      });
  }
  const pinForm = app().querySelector<HTMLFormElement>('#pin-form')!;
  pinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const pinStatus = pinForm.querySelector<HTMLElement>('#pin-status')!;
    void busy(pinForm.querySelector('button')!, pinStatus, 'Saving…', async () => {
      await twofold.pin.set({ pin: value(pinForm, '#new-pin') });
      await renderAccount('Your app PIN is set.');
    });
  });

  const status = app().querySelector<HTMLElement>('#devices-status')!;
  void showAuthenticatorIcons(app().querySelector<HTMLElement>('#devices')!, devices).catch(() => {});
  app()
    .querySelector<HTMLButtonElement>('#add-passkey')!
    .addEventListener('click', (e) => {
      void busy(e.currentTarget as HTMLButtonElement, status, 'Creating a passkey…', async () => {
        await twofold.addPasskey({ hints: ['client-device'] });
        await renderAccount();
      });
    });
  // WebAuthn hints: the browser offers a USB/NFC key first instead of this device's passkey store.
  app()
    .querySelector<HTMLButtonElement>('#add-security-key')!
    .addEventListener('click', (e) => {
      void busy(e.currentTarget as HTMLButtonElement, status, 'Insert and touch your security key…', async () => {
        await twofold.addPasskey({ hints: ['security-key'], deviceName: 'Security key' });
        await renderAccount();
      });
    });
  // Ends every session of the account on the server (`DELETE /me/sessions`): a lost laptop's
  // session stops working at once, even while its passkey is still listed.
  app()
    .querySelector('#signout-everywhere')!
    .addEventListener('click', (e) => {
      e.preventDefault();
      if (!confirm('Sign out of every browser and device, this one too?')) return;
      void twofold.signOutEverywhere().catch((error: unknown) => alert(`No session was ended: ${explain(error)}`));
    });
  app()
    .querySelector('#devices')!
    .addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button');
      const item = button?.closest<HTMLElement>('[data-device-id]');
      if (!button || !item) return;
      const id = item.dataset.deviceId!;
      const name = item.querySelector('.name')!.firstChild!.textContent ?? '';
      if (button.dataset.action === 'delete') {
        const last = devices.length === 1 ? ' It is your only passkey: you will not be able to sign in again.' : '';
        if (!confirm(`Remove “${name}”? It will no longer be able to sign in.${last}`)) return;
        void busy(button, status, 'Removing…', async () => {
          await twofold.devices.remove({ deviceId: id, confirmLastPasskey: devices.length === 1 }); // the dialog above said so
          if (id === current) {
            customer.remember(me, null);
            await twofold.signOut(); // the server already ended this device's sessions
          } else await renderAccount();
        });
      } else if (button.dataset.action === 'rename') {
        const next = prompt('New name for this device', name)?.trim();
        if (!next) return;
        void busy(button, status, 'Saving…', async () => {
          await twofold.devices.rename({ deviceId: id, name: next });
          await renderAccount();
        });
      }
    });
}
