import { createApiClient, type ApiClientOptions } from './api/api.js';
import { deleteDevice, listDevices, renameDevice } from './devices.js';
import { TwofoldClientError } from './errors.js';
import { addPasskeyWithCode } from './recovery/codes.js';
import {
  abandonRecovery,
  bindRecoveryPasskey,
  chooseRecoveryPin,
  getRecovery,
  startRecovery,
  verifyFaceForRecovery,
  type FaceCapture,
  type RecoveryFlow,
  type RecoveryKind,
} from './recovery/flows.js';
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
  /**
   * Where an unfinished recovery flow's handle is kept, so a reload or a closed tab can resume
   * it. Default: `localStorage`. Pass `null` to keep it in memory only.
   */
  recoveryStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
}

/** The unfinished recovery flow this browser started. */
export interface SavedRecovery {
  flowId: string;
  userId: string;
  kind: RecoveryKind;
}

const KEY = 'twofold.session';
const RECOVERY_KEY = 'twofold.recovery';

function readJson<T>(storage: Pick<Storage, 'getItem'> | null, key: string): T | null {
  try {
    const saved = storage?.getItem(key);
    return saved ? (JSON.parse(saved) as T) : null;
  } catch {
    return null;
  }
}

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
  const recoveryStorage = options.recoveryStorage === undefined ? globalThis.localStorage ?? null : options.recoveryStorage;
  let session = readJson<SessionResult>(storage, KEY);
  let recovery = readJson<SavedRecovery>(recoveryStorage, RECOVERY_KEY);

  const setSession = (next: SessionResult | null) => {
    session = next;
    if (next) storage?.setItem(KEY, JSON.stringify(next));
    else storage?.removeItem(KEY);
    options.onSessionChange?.(next);
    return next;
  };
  const saveRecovery = (flow: RecoveryFlow | null) => {
    recovery = flow?.status === 'open' ? { flowId: flow.flowId, userId: flow.userId, kind: flow.kind } : null;
    if (recovery) recoveryStorage?.setItem(RECOVERY_KEY, JSON.stringify(recovery));
    else recoveryStorage?.removeItem(RECOVERY_KEY);
    return flow;
  };
  const flowId = () => {
    if (!recovery) throw new TwofoldClientError('RECOVERY_NOT_FOUND', 'No recovery is in progress in this browser.');
    return recovery.flowId;
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
    /**
     * Multi-step recovery, each step recorded by the server: a credential reset (new PIN + face
     * check + passkey again on this device) or a new device (code + face check + passkey). The
     * open flow's handle is kept in `recoveryStorage`, so `refresh()` resumes it after a reload.
     */
    recovery: {
      /** The unfinished flow this browser started, or null. */
      get saved(): SavedRecovery | null {
        return recovery;
      },
      /** Starts a flow (replacing any saved one). */
      start: async (o: Parameters<typeof startRecovery>[1]) => saveRecovery(await startRecovery(api, o))!,
      /** Fetches the saved flow's state; forgets it once it is no longer open. Null when none is saved. */
      refresh: async () => {
        if (!recovery) return null;
        try {
          return saveRecovery(await getRecovery(api, { flowId: recovery.flowId }));
        } catch (error) {
          if (error instanceof TwofoldClientError && error.code === 'RECOVERY_NOT_FOUND') saveRecovery(null);
          throw error;
        }
      },
      /** Credential reset: stages the new PIN (applied by the face check). */
      choosePin: async (pin: string) => saveRecovery(await chooseRecoveryPin(api, { flowId: flowId(), pin }))!,
      /** The face check; a credential reset signs the user in (`amr: ["face"]`). */
      verifyFace: async (o: { capture: FaceCapture; clientState?: string; signal?: AbortSignal }) => {
        const result = await verifyFaceForRecovery(api, { ...o, flowId: flowId(), userId: recovery!.userId });
        if (result.token) setSession({ userId: result.flow.userId, deviceId: '', token: result.token });
        return saveRecovery(result.flow)!;
      },
      /** Creates and binds a passkey on this device; signs in and completes the flow. */
      bindPasskey: async (o: { replaceDeviceId?: string; name?: string; signal?: AbortSignal } = {}) => {
        const { flow, ...result } = await bindRecoveryPasskey(api, { ...o, flowId: flowId() });
        saveRecovery(flow);
        return setSession(result)!;
      },
      /** Abandons the saved flow (nothing half-changed stays behind) and forgets it. */
      abandon: async () => {
        if (!recovery) return;
        try {
          await abandonRecovery(api, { flowId: recovery.flowId });
        } finally {
          saveRecovery(null);
        }
      },
    },
    devices: {
      list: () => authed(() => listDevices(api, { token: token() })),
      rename: (deviceId: string, name: string) => authed(() => renameDevice(api, { token: token(), deviceId, name })),
      remove: (deviceId: string) => authed(() => deleteDevice(api, { token: token(), deviceId })),
    },
  };
}

export type TwofoldClient = ReturnType<typeof createTwofoldClient>;
