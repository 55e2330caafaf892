import { createApiClient, type ApiClientOptions } from './api/api.js';
import { deleteDevice, listDevices, renameDevice } from './devices.js';
import { TwofoldClientError } from './errors.js';
import { addPasskeyWithCode } from './recovery.js';
import { confirmTransaction, denyTransaction, setPin, signInWithPin } from './transactions.js';
import {
  addPasskey,
  signInWithAutofill,
  signInWithPasskey,
  signUpWithPasskey,
  type SessionResult,
} from './passkeys/passkeys.js';

export interface TwofoldClientOptions extends ApiClientOptions {
  /**
   * Where the session token is kept between page loads. Default: `sessionStorage` (gone when
   * the tab closes). Pass `null` to keep it in memory only.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Called whenever the session changes (sign-in, sign-out). */
  onSessionChange?: (session: SessionResult | null) => void;
}

const KEY = 'twofold.session';

/**
 * A browser client bound to one Twofold server, holding the current session.
 *
 * @example
 * const twofold = createTwofoldClient();
 * await twofold.signUp({ username: 'ada' });
 * const devices = await twofold.devices.list();
 */
export function createTwofoldClient(options: TwofoldClientOptions = {}) {
  const api = createApiClient(options);
  const storage = options.storage === undefined ? globalThis.sessionStorage ?? null : options.storage;
  let session: SessionResult | null = null;
  try {
    const saved = storage?.getItem(KEY);
    session = saved ? (JSON.parse(saved) as SessionResult) : null;
  } catch {
    session = null;
  }

  const setSession = (next: SessionResult | null) => {
    session = next;
    if (next) storage?.setItem(KEY, JSON.stringify(next));
    else storage?.removeItem(KEY);
    options.onSessionChange?.(next);
    return next;
  };
  const token = () => {
    if (!session) throw new TwofoldClientError('UNAUTHENTICATED', 'Sign in first.');
    return session.token;
  };
  // A session the server no longer accepts is dropped, so the UI can return to sign-in.
  const authed = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TwofoldClientError && error.code === 'INVALID_TOKEN') setSession(null);
      throw error;
    }
  };

  return {
    api,
    /** The current session, or null. */
    get session() {
      return session;
    },
    /** Creates an account with a passkey and signs in. */
    signUp: async (o: Parameters<typeof signUpWithPasskey>[1]) => setSession(await signUpWithPasskey(api, o))!,
    /** Signs in with a passkey (button). */
    signIn: async (o: Parameters<typeof signInWithPasskey>[1] = {}) => setSession(await signInWithPasskey(api, o))!,
    /** Signs in through passkey autofill; resolves when the user picks a passkey. */
    signInWithAutofill: async (o: Parameters<typeof signInWithAutofill>[1] = {}) => setSession(await signInWithAutofill(api, o))!,
    /** Account recovery: redeems a code and creates a passkey on this device; signs in. */
    addPasskeyWithCode: async (o: Parameters<typeof addPasskeyWithCode>[1]) => setSession(await addPasskeyWithCode(api, o))!,
    /** Adds a passkey for the signed-in user on this device. */
    addPasskey: (o: { deviceName?: string; signal?: AbortSignal } = {}) => authed(() => addPasskey(api, { ...o, token: token() })),
    /** Forgets the session in this browser. */
    signOut: () => void setSession(null),
    /** The signed-in user's profile. */
    me: () =>
      authed(() =>
        api.request<{ userId: string; username: string; displayName: string; createdAt: string; amr: string[]; pin: { set: boolean; locked: boolean } }>('GET', '/me', {
          token: token(),
        }),
      ),
    /** Recent security events of the signed-in user (newest first). */
    events: () =>
      authed(() =>
        api.request<{ events: { id: string; type: string; at: string; deviceId: string | null; data: Record<string, unknown> }[] }>(
          'GET',
          '/me/events',
          { token: token() },
        ),
      ).then((r) => r.events),
    /** Step-up transactions (e.g. "View card PIN"). */
    transactions: {
      confirm: <C = unknown>(transactionId: string, o: { pin?: string; signal?: AbortSignal; onMessage?: (m: string) => void } = {}) =>
        authed(() => confirmTransaction<C>(api, { ...o, transactionId, token: token() })),
      deny: (transactionId: string) => authed(() => denyTransaction(api, { transactionId, token: token() })),
    },
    /** The user's app PIN. */
    pin: {
      set: (pin: string) => authed(() => setPin(api, { token: token(), pin })),
    },
    /** PIN sign-in (the fallback when a passkey cannot be used). The session has `amr: ["pin"]`. */
    signInWithPin: async (o: { userId: string; pin: string }) => {
      const { token: t } = await signInWithPin(api, o);
      return setSession({ userId: o.userId, deviceId: '', token: t })!;
    },
    devices: {
      list: () => authed(() => listDevices(api, { token: token() })),
      rename: (deviceId: string, name: string) => authed(() => renameDevice(api, { token: token(), deviceId, name })),
      remove: (deviceId: string) => authed(() => deleteDevice(api, { token: token(), deviceId })),
    },
  };
}

export type TwofoldClient = ReturnType<typeof createTwofoldClient>;
