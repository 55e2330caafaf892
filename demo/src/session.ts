import { createTwofoldClient } from '@twofold/client';

/** The one Twofold client of the demo; any session change re-renders the page. */
export const twofold = createTwofoldClient({ onSessionChange: () => window.dispatchEvent(new Event('twofold:session')) });

/** The customer who last signed in on this browser, as a banking app remembers its user. */
export interface Customer {
  userId: string;
  username: string;
  displayName: string;
  /** This browser's passkey device, if it has one. */
  deviceId: string | null;
}

const KEY = 'northwind.customer';

export const customer = {
  get(): Customer | null {
    try {
      return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Customer | null;
    } catch {
      return null;
    }
  },
  /**
   * Remembers the signed-in user and this browser's passkey device: `null` forgets the device;
   * `''` or `undefined` (a PIN or face session) keeps the one known.
   */
  remember(user: { userId: string; username: string; displayName: string }, deviceId: string | null | undefined) {
    const known = customer.get();
    const device = deviceId === null ? null : deviceId || (known?.userId === user.userId ? known.deviceId : null);
    localStorage.setItem(KEY, JSON.stringify({ ...user, deviceId: device }));
  },
  forget: () => localStorage.removeItem(KEY),
};
