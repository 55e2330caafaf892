import type {
  AuditEventType,
  Device,
  GetMeResponse,
  ListEventsResponse,
  RecoveryFlow,
  RevokeSessionsResponse,
  SecurityEvent,
  DeviceProofPurpose,
} from '@twofold/protocol';
import { createApiClient, type ApiClientOptions } from './api/api.js';
import { listDevices, removeDevice, renameDevice, type RemoveDeviceOptions, type RenameDeviceOptions } from './devices.js';
import { TwofoldClientError } from './errors.js';
import { bindDeviceKey, indexedDbDeviceKeys, signDeviceProof, type DeviceKeyStore } from './devicekeys.js';
import type { PrfResult } from './passkeys/prf.js';
import { sendPasskeySignals, syncPasskeySignals } from './passkeys/signals.js';
import { addPasskeyWithCode, type AddPasskeyWithCodeOptions } from './recovery/codes.js';
import {
  abandonRecovery,
  bindRecoveryPasskey,
  chooseRecoveryPin,
  getRecovery,
  startRecovery,
  verifyRecoveryFace,
  type BindRecoveryPasskeyOptions,
  type ChooseRecoveryPinOptions,
  type StartRecoveryOptions,
  type VerifyRecoveryFaceOptions,
} from './recovery/flows.js';
import {
  confirmTransaction,
  denyTransaction,
  type ConfirmedTransaction,
  type ConfirmTransactionOptions,
  type DenyTransactionOptions,
} from './transactions.js';
import { setPin, signInWithPin, type SetPinOptions, type SignInWithPinOptions } from './pins.js';
import {
  addPasskey,
  signIn,
  signInWithAutofill,
  signUp,
  type AddPasskeyOptions,
  type SessionResult,
  type SignInOptions,
  type SignInWithAutofillOptions,
  type SignUpOptions,
} from './passkeys/passkeys.js';

/** Options of {@link createTwofoldClient}. */
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
  /**
   * Send WebAuthn Signal API signals (feature-detected, never failing a call): after sign-in,
   * after listing or removing devices, the accepted credentials and the user's names; when a
   * sign-in meets a credential the server does not know, that one. Default true.
   */
  signals?: boolean;
  /**
   * Where this browser's device keys live (device binding: PIN sign-in, PIN-confirmed
   * transactions and credential-reset starts need a proof by one). Default: IndexedDB
   * (`indexedDbDeviceKeys()`) where it exists; `null` turns binding off (those calls then fail
   * with `DEVICE_PROOF_REQUIRED`).
   */
  deviceKeys?: DeviceKeyStore | null;
}

/** Options of `listEvents` / `listEventsPage`. */
export interface ListEventsOptions {
  /** Events per page, 1..100. Default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  before?: string;
  /** Only these event types, e.g. `['passkey.added', 'device.removed']` (changes a stranger cannot cause). */
  types?: readonly AuditEventType[];
}

/** The unfinished recovery flow this browser started: its handle, user and kind. */
export type SavedRecovery = Pick<RecoveryFlow, 'flowId' | 'userId' | 'kind'>;

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
 * await twofold.devices.rename({ deviceId: devices[0].id, name: 'Phone' });
 */
export function createTwofoldClient(options: TwofoldClientOptions = {}) {
  const api = createApiClient(options);
  const storage = options.storage === undefined ? (globalThis.sessionStorage ?? null) : options.storage;
  const recoveryStorage = options.recoveryStorage === undefined ? (globalThis.localStorage ?? null) : options.recoveryStorage;
  let session = readJson<SessionResult>(storage, KEY);
  let recovery = readJson<SavedRecovery>(recoveryStorage, RECOVERY_KEY);

  const setSession = (result: SessionResult | null) => {
    // Only the session itself is kept (a PRF key, say, is the caller's to hold).
    const next = result && { userId: result.userId, deviceId: result.deviceId, token: result.token };
    session = next;
    if (next) storage?.setItem(KEY, JSON.stringify(next));
    else storage?.removeItem(KEY);
    options.onSessionChange?.(next);
    return result;
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
  const signals = options.signals ?? true;
  const deviceKeys =
    options.deviceKeys === undefined ? (typeof indexedDB === 'undefined' ? null : indexedDbDeviceKeys()) : options.deviceKeys;
  /** After a passkey sign-in: bind this browser's device key to that device. Never fails the sign-in. */
  const bindDevice = async (result: { userId: string; token: string }): Promise<void> => {
    if (!deviceKeys || !result.token) return;
    await bindDeviceKey({ api, token: result.token, userId: result.userId, keys: deviceKeys }).catch(() => {});
  };
  /** A device-key proof for `purpose`; a key the server no longer knows (device removed) is forgotten. */
  const withProof = async <T>(
    userId: string,
    purpose: DeviceProofPurpose,
    fn: (deviceProof: Awaited<ReturnType<typeof signDeviceProof>>) => Promise<T>,
  ): Promise<T> => {
    if (!deviceKeys) throw new TwofoldClientError('DEVICE_PROOF_REQUIRED', 'This client keeps no device keys (deviceKeys: null).');
    const deviceProof = await signDeviceProof({ api, userId, purpose, keys: deviceKeys });
    try {
      return await fn(deviceProof);
    } catch (error) {
      if (error instanceof TwofoldClientError && error.code === 'DEVICE_PROOF_INVALID') await deviceKeys.delete(userId);
      throw error;
    }
  };
  /** Brings the user's authenticators in line with the server, in the background (never throws). */
  const sync = (t: string | undefined = session?.token): Promise<boolean> =>
    signals && t ? syncPasskeySignals({ api, token: t }) : Promise.resolve(false);
  const signedIn = async <R extends SessionResult>(result: R): Promise<R> => {
    setSession(result);
    void sync(result.token);
    await bindDevice(result);
    return result;
  };
  const pageEvents = (o: ListEventsOptions): Promise<ListEventsResponse> => {
    const query = {
      limit: o.limit === undefined ? undefined : String(o.limit),
      before: o.before || undefined,
      types: o.types?.length ? o.types.join(',') : undefined,
    };
    return authed(() => api.call('audit.listEvents', { query, token: token() }));
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
    /** Where this browser's device keys are kept (null: none kept); pass it to `@twofold/client/face`'s `verifyFace` if you set your own. */
    deviceKeys,
    /** The current session, or null. */
    get session() {
      return session;
    },
    /** Creates an account with a passkey and signs in. */
    signUp: async (o: SignUpOptions): Promise<SessionResult & PrfResult> => {
      const result = await signUp({ ...o, api });
      setSession(result);
      await bindDevice(result);
      return result;
    },
    /** Signs in with a passkey (button); with `prf`, also derives `prfKey`. */
    signIn: async (o: SignInOptions = {}): Promise<SessionResult & PrfResult> => signedIn(await signIn({ ...o, api, signals })),
    /** Signs in through passkey autofill; resolves when the user picks a passkey. */
    signInWithAutofill: async (o: SignInWithAutofillOptions = {}): Promise<SessionResult & PrfResult> =>
      signedIn(await signInWithAutofill({ ...o, api, signals })),
    /** Account recovery: redeems a code and creates a passkey on this device; signs in. */
    addPasskeyWithCode: async (o: AddPasskeyWithCodeOptions): Promise<SessionResult> =>
      setSession(await addPasskeyWithCode({ ...o, api }))!,
    /** Adds a passkey for the signed-in user on this device. */
    addPasskey: (o: AddPasskeyOptions = {}): Promise<SessionResult & PrfResult> => authed(() => addPasskey({ ...o, api, token: token() })),
    /**
     * Signs out: ends the session on the server (`DELETE /me/session`), so its token stops
     * working everywhere (tokens carried forward from it too), then forgets it in this browser.
     * The browser forgets it even when the server cannot be reached; that error is rethrown
     * (the token then lives until it expires). A session the server already ended is no error.
     */
    signOut: async (): Promise<void> => {
      const current = session;
      if (!current) return;
      try {
        await api.call('tokens.signOut', { token: current.token });
      } catch (error) {
        if (!(error instanceof TwofoldClientError && (error.code === 'INVALID_TOKEN' || error.code === 'UNAUTHENTICATED'))) throw error;
      } finally {
        setSession(null);
      }
    },
    /**
     * "Sign out everywhere": ends every session of the signed-in user on the server (other
     * browsers and devices too; `DELETE /me/sessions`), then forgets this one. Resolves with how
     * many sessions were ended. When the server cannot do it (unreachable, busy), the error is
     * thrown and this session is kept, so the user can try again: the other sessions still live.
     */
    signOutEverywhere: async (): Promise<RevokeSessionsResponse> => {
      const ended = await authed(() => api.call('tokens.revokeMySessions', { token: token() }));
      setSession(null);
      return ended;
    },
    /** The signed-in user's profile (with how they signed in, and their PIN's status). */
    getMe: (): Promise<GetMeResponse> => authed(() => api.call('users.getMe', { token: token() })),
    /** Recent security events of the signed-in user (newest first): one page (see {@link ListEventsOptions}). */
    listEvents: (o: ListEventsOptions = {}): Promise<SecurityEvent[]> => pageEvents(o).then((r) => r.events),
    /**
     * One page of the signed-in user's security events, newest first, with the cursor of the next
     * page (`nextCursor`, null on the last): pass it as `before` to read on through the history.
     */
    listEventsPage: (o: ListEventsOptions = {}): Promise<ListEventsResponse> => pageEvents(o),
    /** Step-up transactions (e.g. "View card PIN"). */
    transactions: {
      /** Confirms a transaction with a passkey (or `pin`); resolves with its context, released this once. */
      confirm: <C = unknown>(o: ConfirmTransactionOptions): Promise<ConfirmedTransaction<C>> =>
        authed(() =>
          o.pin === undefined
            ? confirmTransaction<C>({ ...o, api, token: token() })
            : withProof(session!.userId, 'transaction', (deviceProof) => confirmTransaction<C>({ ...o, deviceProof, api, token: token() })),
        ),
      /** Declines a transaction. */
      deny: (o: DenyTransactionOptions) => authed(() => denyTransaction({ ...o, api, token: token() })),
    },
    /** The user's app PIN. */
    pin: {
      /** Sets (or, after a recent passkey/face/code sign-in, replaces) the PIN. */
      set: (o: SetPinOptions): Promise<void> => authed(() => setPin({ ...o, api, token: token() })),
    },
    /** PIN sign-in (the fallback when a passkey cannot be used). The session has `amr: ["pin"]`. */
    signInWithPin: async (o: SignInWithPinOptions): Promise<SessionResult> => {
      const { token: t } = await withProof(o.userId, 'pin', (deviceProof) => signInWithPin({ ...o, api, deviceProof }));
      return setSession({ userId: o.userId, deviceId: '', token: t })!;
    },
    /**
     * Multi-step recovery, each step recorded by the server: a credential reset (new PIN + face
     * check + passkey again on this device) or a new device (code + face check + passkey). The
     * open flow's handle is kept in `recoveryStorage`, so `get()` resumes it after a reload.
     */
    recovery: {
      /** The unfinished flow this browser started, or null. */
      get saved(): SavedRecovery | null {
        return recovery;
      },
      /** Starts a flow (replacing any saved one). */
      start: async (o: StartRecoveryOptions): Promise<RecoveryFlow> =>
        saveRecovery(
          o.kind === 'credential_reset'
            ? await withProof(o.userId, 'recovery', (deviceProof) => startRecovery({ ...o, deviceProof, api }))
            : await startRecovery({ ...o, api }),
        )!,
      /** Fetches the saved flow's state; forgets it once it is no longer open. Null when none is saved. */
      get: async (): Promise<RecoveryFlow | null> => {
        if (!recovery) return null;
        try {
          return saveRecovery(await getRecovery({ api, flowId: recovery.flowId }));
        } catch (error) {
          if (error instanceof TwofoldClientError && error.code === 'RECOVERY_NOT_FOUND') saveRecovery(null);
          throw error;
        }
      },
      /** Credential reset: stages the new PIN (applied by the face check). */
      choosePin: async (o: ChooseRecoveryPinOptions): Promise<RecoveryFlow> =>
        saveRecovery(await chooseRecoveryPin({ ...o, api, flowId: flowId() }))!,
      /** The face check; a credential reset signs the user in (`amr: ["face"]`). */
      verifyFace: async (o: VerifyRecoveryFaceOptions): Promise<RecoveryFlow> => {
        const result = await verifyRecoveryFace({ ...o, api, flowId: flowId(), userId: recovery!.userId });
        if (result.token) setSession({ userId: result.flow.userId, deviceId: '', token: result.token });
        return saveRecovery(result.flow)!;
      },
      /** Creates and binds a passkey on this device; signs in and completes the flow. */
      bindPasskey: async (o: BindRecoveryPasskeyOptions = {}): Promise<SessionResult> => {
        const { flow, ...result } = await bindRecoveryPasskey({ ...o, api, flowId: flowId() });
        saveRecovery(flow);
        setSession(result);
        await bindDevice(result); // the bind step counts as a fresh sign-in: (re)bind this browser
        return result;
      },
      /** Abandons the saved flow (nothing half-changed stays behind) and forgets it. */
      abandon: async (): Promise<void> => {
        if (!recovery) return;
        try {
          await abandonRecovery({ api, flowId: recovery.flowId });
        } finally {
          saveRecovery(null);
        }
      },
    },
    /** The signed-in user's devices (passkeys and kept face states). */
    devices: {
      /** Lists them, oldest first (and signals the accepted passkeys, so removals made elsewhere reach the authenticator). */
      list: async (): Promise<Device[]> => {
        const devices = await authed(() => listDevices({ api, token: token() }));
        void sync();
        return devices;
      },
      /** Renames one. @throws `DEVICE_NOT_FOUND` */
      rename: (o: RenameDeviceOptions): Promise<Device> => authed(() => renameDevice({ ...o, api, token: token() })),
      /** Removes one; its passkey (or face state) stops working. @throws `DEVICE_NOT_FOUND` */
      remove: async (o: RemoveDeviceOptions): Promise<void> => {
        // What the server accepts, read first: removing the device this session signed in with
        // ends the session (server-side revocation), so afterwards it may not be able to ask.
        const t = token();
        const [before, devices] = signals
          ? await Promise.all([
              api.call('passkeys.getAcceptedCredentials', { token: t }).catch(() => null),
              listDevices({ api, token: t }).catch(() => []),
            ])
          : [null, []];
        await authed(() => removeDevice({ ...o, api, token: t }));
        // The removed passkey stops being offered where the browser supports it.
        if (await sync()) return;
        const removed = devices.find((d) => d.id === o.deviceId)?.passkey?.credentialId;
        if (before) await sendPasskeySignals({ ...before, credentialIds: before.credentialIds.filter((id) => id !== removed) });
      },
    },
    /** This browser's device key (device binding). */
    deviceKey: {
      /**
       * Binds this browser to the session's passkey device (the client does it after every passkey
       * sign-in and recovery bind; call it yourself after the host's own passkey sign-in). Needs a
       * passkey sign-in from the last 5 minutes. @returns the key id.
       */
      bind: (): Promise<string> => {
        if (!deviceKeys) throw new TwofoldClientError('DEVICE_PROOF_REQUIRED', 'This client keeps no device keys (deviceKeys: null).');
        return authed(() => bindDeviceKey({ api, token: token(), userId: session!.userId, keys: deviceKeys }));
      },
      /** Whether this browser holds a bound key for `userId` (PIN sign-in and resets work here). */
      has: async (userId: string): Promise<boolean> => Boolean(deviceKeys && (await deviceKeys.get(userId))?.keyId),
    },
    /** The WebAuthn Signal API (see `syncPasskeySignals`). */
    passkeys: {
      /**
       * Signals the accepted passkeys and the user's current names now; call it after the user's
       * name changed. Resolves to whether anything was sent (false where unsupported).
       */
      sync: (): Promise<boolean> => sync(token()),
    },
  };
}

export type TwofoldClient = ReturnType<typeof createTwofoldClient>;
