import { createApiKey, deleteApiKey, ensureApiKey, authenticateApiKey, type Scope } from './apikeys/apikeys.js';
import { listEvents, recordEvent, type AuditEvent } from './audit/audit.js';
import type { RelyingParty, TwofoldContext } from './context.js';
import { deleteDevice, listDevices, renameDevice } from './devices/devices.js';
import { createHandler } from './http/handler.js';
import {
  generatePasskeyAuthenticationOptions,
  generatePasskeyRegistrationOptions,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
} from './passkeys/passkeys.js';
import {
  DEFAULT_CODE_SETTINGS,
  completeAddCredentialWithCode,
  generateCode,
  invalidateCodes,
  startAddCredentialWithCode,
  type CodePurpose,
  type CodeSettings,
} from './codes/codes.js';
import { DEFAULT_PIN_SETTINGS, pinStatus, setPin, verifyPin, type PinSettings } from './pins/pins.js';
import type { RateLimit } from './ratelimits/ratelimits.js';
import { createFaceChallenge, enrollFace, getClientState, verifyFace } from './face/face.js';
import {
  abandonRecovery,
  cancelRecoveries,
  chooseRecoveryPin,
  completeRecoveryPasskey,
  getRecovery,
  listRecoveries,
  startRecovery,
  startRecoveryPasskey,
  verifyRecoveryFace,
} from './recovery/recovery.js';
import { FACE_ACTIONS, type FaceAction } from '@twofold/protocol';
import { createKeyring, type SealingKey } from './sealing/keyring.js';
import {
  confirmTransaction,
  createTransaction,
  denyTransaction,
  generateTransactionOptions,
  getTransactionStatus,
} from './transactions/transactions.js';
import type { CodeType, Store } from './storage/store.js';
import { createTokenService } from './tokens/tokens.js';
import { createUser, getUser, retrieveUser } from './users/users.js';

export interface TwofoldOptions {
  /** Where everything is kept: `createPGliteStore()` or `createPostgresStore()`. */
  store: Store;
  /** WebAuthn relying party. `origins` are the exact origins pages are served from. */
  rp: { id: string; name?: string; origins: string[] };
  /** Allow new users to sign up from the browser. Default false (backends create users). */
  openRegistration?: boolean;
  /** Lifetime of a ceremony's challenge. Default 300 s. */
  ceremonyTtlSeconds?: number;
  /** Lifetime of session tokens. Default 900 s. */
  tokenTtlSeconds?: number;
  /** `iss` of session tokens. Default: the first origin. */
  issuer?: string;
  /** Clock seam: tests pass a movable clock. Default `() => new Date()`. */
  now?: () => Date;
  /**
   * Called after commit with every audit event (a passkey added, a device removed, ...), so a
   * host can send notices. It is awaited by nobody: errors it throws are passed to `onError`.
   */
  onEvent?: (event: AuditEvent) => void | Promise<void>;
  /**
   * Secret keys (AES-256) that seal secrets at rest — today the private signing keys. The first
   * key seals; all open, so keys rotate by putting a new one first. See `createKeyring`.
   */
  secretKeys?: readonly SealingKey[];
  /** Pre-authorized code policy (lifetimes, attempt limits, link template). */
  codes?: Partial<Omit<CodeSettings, 'ttlSeconds'>> & { ttlSeconds?: Partial<CodeSettings['ttlSeconds']> };
  /**
   * Unauthenticated ceremony starts (passkey sign-up and sign-in options) allowed per client
   * address, so nobody can flood the ceremony table. Default 300 per minute. Needs
   * `http.clientAddress` to know addresses. Generous, since many users may share an address (NAT).
   */
  ceremoniesPerAddress?: RateLimit;
  /**
   * Liveness actions face challenges ask for (each once, in random order). Default: all of
   * turn_left, turn_right, move_closer. Fewer is faster and more accessible, and weaker.
   */
  faceActions?: FaceAction[];
  /** PIN policy (attempt limit, freshness needed to replace a PIN, rate limits). */
  pins?: Partial<PinSettings>;
  /** HTTP handler settings. `clientAddress` tells the handler a request's client IP (for rate limits). */
  http?: { basePath?: string; bodyLimitBytes?: number; clientAddress?: (req: Request) => string | undefined };
  /** Unexpected errors (5xx, failing `onEvent`). Default `console.error`. */
  onError?: (error: unknown) => void;
}

export type Twofold = ReturnType<typeof createTwofold>;

/**
 * Creates a Twofold instance: the domain modules bound to one store and configuration, plus a
 * Fetch-standard `handler` serving the HTTP API. Instances share nothing; make one per app.
 *
 * @example
 * const twofold = createTwofold({ store: await createPGliteStore({ dataDir: '.twofold' }),
 *   rp: { id: 'example.com', origins: ['https://example.com'] } });
 * // Hono, Bun, Deno, Workers: pass twofold.handler; Node: see `@twofold/server/node`.
 */
export function createTwofold(options: TwofoldOptions) {
  if (!options.rp?.id) throw new TypeError('createTwofold: rp.id is required');
  if (!options.rp.origins?.length) throw new TypeError('createTwofold: rp.origins needs at least one origin');
  for (const origin of options.rp.origins) {
    if (new URL(origin).origin !== origin) throw new TypeError(`createTwofold: "${origin}" is not a bare origin`);
  }
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? ((e: unknown) => console.error('[twofold]', e));
  const rp: RelyingParty = { id: options.rp.id, name: options.rp.name ?? options.rp.id, origins: [...options.rp.origins] };
  const keyring = options.secretKeys ? createKeyring(options.secretKeys) : undefined;
  const tokens = createTokenService({
    store: options.store,
    now,
    issuer: options.issuer ?? rp.origins[0]!,
    ...(keyring && { keyring }),
    ...(options.tokenTtlSeconds !== undefined && { ttlSeconds: options.tokenTtlSeconds }),
  });
  const codes: CodeSettings = {
    ...DEFAULT_CODE_SETTINGS,
    ...options.codes,
    ttlSeconds: { ...DEFAULT_CODE_SETTINGS.ttlSeconds, ...options.codes?.ttlSeconds },
  };
  const pins: PinSettings = { ...DEFAULT_PIN_SETTINGS, ...options.pins };
  const ctx: TwofoldContext = {
    store: options.store,
    rp,
    now,
    openRegistration: options.openRegistration ?? false,
    ceremonyTtlSeconds: options.ceremonyTtlSeconds ?? 300,
    tokens,
    keyring,
    codes,
    limiters: {
      codeUser: options.store.rateLimiter({ keyPrefix: 'code-user', ...codes.userAttempts }),
      codeAddress: options.store.rateLimiter({ keyPrefix: 'code-address', ...codes.addressAttempts }),
      pinUser: options.store.rateLimiter({ keyPrefix: 'pin-user', ...pins.userAttempts }),
      pinAddress: options.store.rateLimiter({ keyPrefix: 'pin-address', ...pins.addressAttempts }),
      faceUser: options.store.rateLimiter({ keyPrefix: 'face-user', points: 5, durationSeconds: 900 }),
      ceremonyAddress: options.store.rateLimiter({
        keyPrefix: 'ceremony-address',
        ...(options.ceremoniesPerAddress ?? { points: 300, durationSeconds: 60 }),
      }),
    },
    pins,
    faceActions: options.faceActions?.length ? [...new Set(options.faceActions)] : FACE_ACTIONS,
    notify(events) {
      if (!options.onEvent) return;
      for (const event of events) {
        try {
          Promise.resolve(options.onEvent(event)).catch(onError);
        } catch (error) {
          onError(error);
        }
      }
    },
  };

  return {
    /** The domain context, for extension modules. */
    context: ctx,
    /** `(Request) => Promise<Response>` serving the API under `/api/v1` (see API.md). */
    handler: createHandler(ctx, { ...options.http, onError }),
    users: {
      create: (o: { username: string; displayName?: string }) => createUser(ctx, { ...o, actor: 'system' }),
      retrieve: (o: { username: string }) => retrieveUser(ctx, o),
      get: (o: { userId: string }) => getUser(ctx, o),
    },
    passkeys: {
      generateRegistrationOptions: (o: Parameters<typeof generatePasskeyRegistrationOptions>[1]) =>
        generatePasskeyRegistrationOptions(ctx, o),
      verifyRegistration: (o: Parameters<typeof verifyPasskeyRegistration>[1]) => verifyPasskeyRegistration(ctx, o),
      generateAuthenticationOptions: (o: Parameters<typeof generatePasskeyAuthenticationOptions>[1] = {}) =>
        generatePasskeyAuthenticationOptions(ctx, o),
      verifyAuthentication: (o: Parameters<typeof verifyPasskeyAuthentication>[1]) => verifyPasskeyAuthentication(ctx, o),
    },
    devices: {
      list: (o: { userId: string }) => listDevices(ctx, o),
      rename: (o: { userId: string; deviceId: string; name: string }) => renameDevice(ctx, { ...o, actor: 'system' }),
      delete: (o: { userId: string; deviceId: string }) => deleteDevice(ctx, { ...o, actor: 'system' }),
    },
    tokens: {
      /** Issues a session token (e.g. after the host's own first factor). */
      issue: tokens.issue,
      /** Verifies a session token; throws `INVALID_TOKEN`. */
      verify: tokens.verify,
      jwks: tokens.jwks,
      /** Rotates the signing key; the old key keeps verifying for the grace period. */
      rotateSigningKey: async () => {
        const kid = await tokens.rotate();
        ctx.notify([await recordEvent(ctx, ctx.store, { type: 'signing_key.rotated', actor: 'system', data: { kid } })]);
        return kid;
      },
      pruneSigningKeys: tokens.prune,
      /** Creates the first signing key if needed and checks the active one opens. */
      ready: tokens.ready,
    },
    apiKeys: {
      create: (o: { name: string; scopes: readonly Scope[]; secret?: string }) => createApiKey(ctx, o),
      ensure: (o: { name: string; secret: string }) => ensureApiKey(ctx, o),
      authenticate: (secret: string) => authenticateApiKey(ctx, secret),
      delete: (o: { id: string }) => deleteApiKey(ctx, o),
    },
    codes: {
      /** Generates a pre-authorized code for a user (deliver it out of band). */
      generate: (o: { userId: string; type: CodeType; purpose?: CodePurpose; ttlSeconds?: number; requireFace?: boolean }) =>
        generateCode(ctx, { purpose: 'add_credential', ...o, actor: 'system' }),
      /** Invalidates all of a user's live codes. */
      invalidateAll: (o: { userId: string }) => invalidateCodes(ctx, { ...o, actor: 'system' }),
      startAddCredential: (o: Parameters<typeof startAddCredentialWithCode>[1]) => startAddCredentialWithCode(ctx, o),
      completeAddCredential: (o: Parameters<typeof completeAddCredentialWithCode>[1]) => completeAddCredentialWithCode(ctx, o),
    },
    pins: {
      /** Sets the user's PIN; replacing one needs a fresh strong session (see `setPin`). */
      set: (o: Parameters<typeof setPin>[1]) => setPin(ctx, o),
      /** PIN sign-in: a token with `amr: ["pin"]`. */
      verify: (o: Parameters<typeof verifyPin>[1]) => verifyPin(ctx, o),
      status: (o: { userId: string }) => pinStatus(ctx, o.userId),
    },
    transactions: {
      /** Starts a step-up transaction; the context is released only on confirmation. */
      create: (o: { userId: string; message: string; context: unknown; ttlSeconds?: number; allowPin?: boolean }) =>
        createTransaction(ctx, { ...o, actor: 'system' }),
      status: (o: { transactionId: string }) => getTransactionStatus(ctx, o),
      generateOptions: (o: Parameters<typeof generateTransactionOptions>[1]) => generateTransactionOptions(ctx, o),
      confirm: (o: Parameters<typeof confirmTransaction>[1]) => confirmTransaction(ctx, o),
      deny: (o: Parameters<typeof denyTransaction>[1]) => denyTransaction(ctx, o),
    },
    face: {
      challenge: (o: Parameters<typeof createFaceChallenge>[1]) => createFaceChallenge(ctx, o),
      enroll: (o: Parameters<typeof enrollFace>[1]) => enrollFace(ctx, o),
      verify: (o: Parameters<typeof verifyFace>[1]) => verifyFace(ctx, o),
      /** The stored client state of a backup/temporary face device (for the host to hand to a recovering client). */
      clientState: (o: { userId: string; deviceId: string }) => getClientState(ctx, o),
    },
    /** Multi-step recovery: credential reset (PIN + face + passkey) and new device (code + face + passkey). */
    recovery: {
      start: (o: Parameters<typeof startRecovery>[1]) => startRecovery(ctx, o),
      get: (o: { flowId: string }) => getRecovery(ctx, o),
      choosePin: (o: Parameters<typeof chooseRecoveryPin>[1]) => chooseRecoveryPin(ctx, o),
      verifyFace: (o: Parameters<typeof verifyRecoveryFace>[1]) => verifyRecoveryFace(ctx, o),
      startPasskey: (o: Parameters<typeof startRecoveryPasskey>[1]) => startRecoveryPasskey(ctx, o),
      completePasskey: (o: Parameters<typeof completeRecoveryPasskey>[1]) => completeRecoveryPasskey(ctx, o),
      abandon: (o: { flowId: string }) => abandonRecovery(ctx, o),
      /** The user's recent flows, without handles (for support). */
      list: (o: { userId: string }) => listRecoveries(ctx, o),
      /** Cancels every open flow of the user. */
      cancelAll: (o: { userId: string }) => cancelRecoveries(ctx, { ...o, actor: 'system' }),
    },
    audit: {
      list: (o: { userId?: string; limit?: number } = {}) => listEvents(ctx, o),
    },
    /** Housekeeping: deletes expired ceremonies, rate-limit counters and temporary face states. The CLI calls it every minute. */
    sweep: async () => {
      await ctx.store.deleteExpiredCeremonies(now());
      await ctx.store.deleteExpiredFaceDevices(now());
      await ctx.store.deleteExpiredRateLimits(new Date());
    },
  };
}
