import {
  createApiKey,
  ensureApiKey,
  authenticateApiKey,
  removeApiKey,
  type CreateApiKeyOptions,
  type EnsureApiKeyOptions,
  type AuthenticateApiKeyOptions,
  type RemoveApiKeyOptions,
} from './apikeys/apikeys.js';
import {
  actor,
  listEvents,
  pageEvents,
  recordEvent,
  type AuditEvent,
  type ListEventsOptions,
  type PageEventsOptions,
} from './audit/audit.js';
import type { RelyingParty, TwofoldContext } from './context.js';
import {
  listDevices,
  removeDevice,
  renameDevice,
  type ListDevicesOptions,
  type RemoveDeviceOptions,
  type RenameDeviceOptions,
} from './devices/devices.js';
import { createHandler, type HandlerOptions } from './http/app.js';
import {
  createPasskeyCache,
  getAcceptedCredentials,
  relatedOriginsDocument,
  startPasskeyAuthentication,
  startPasskeyRegistration,
  startPasskeyUpgrade,
  verifyPasskeyUpgrade,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  type GetAcceptedCredentialsOptions,
  type StartPasskeyAuthenticationOptions,
  type StartPasskeyRegistrationOptions,
  type StartPasskeyUpgradeOptions,
  type VerifyPasskeyUpgradeOptions,
  type VerifyPasskeyAuthenticationOptions,
  type VerifyPasskeyRegistrationOptions,
  type PasskeyCacheOptions,
} from './passkeys/index.js';
import {
  DEFAULT_CODE_SETTINGS,
  generateCode,
  invalidateCodes,
  startAddPasskeyWithCode,
  verifyAddPasskeyWithCode,
  type CodeSettings,
  type GenerateCodeOptions,
  type InvalidateCodesOptions,
  type StartAddPasskeyWithCodeOptions,
  type VerifyAddPasskeyWithCodeOptions,
} from './codes/codes.js';
import {
  createHashGate,
  DEFAULT_PIN_SETTINGS,
  getPinStatus,
  inlinePinHasher,
  setPin,
  verifyPin,
  type GetPinStatusOptions,
  type PinHasher,
  type PinSettings,
  type SetPinOptions,
  type VerifyPinOptions,
} from './pins/pins.js';
import type { RateLimit } from './ratelimits/ratelimits.js';
import type { FaceAnalyzer } from './face/analyzer.js';
import {
  enrollFace,
  getClientState,
  startFaceChallenge,
  verifyFace,
  type EnrollFaceOptions,
  type GetClientStateOptions,
  type StartFaceChallengeOptions,
  type VerifyFaceOptions,
} from './face/face.js';
import {
  abandonRecovery,
  cancelRecoveries,
  chooseRecoveryPin,
  getRecovery,
  listRecoveries,
  startRecovery,
  startRecoveryPasskey,
  verifyRecoveryFace,
  verifyRecoveryPasskey,
  type AbandonRecoveryOptions,
  type CancelRecoveriesOptions,
  type ChooseRecoveryPinOptions,
  type GetRecoveryOptions,
  type ListRecoveriesOptions,
  type StartRecoveryOptions,
  type StartRecoveryPasskeyOptions,
  type VerifyRecoveryFaceOptions,
  type VerifyRecoveryPasskeyOptions,
} from './recovery/recovery.js';
import { FACE_ACTIONS, type FaceAction } from '@twofold/protocol';
import { createKeyring, type SealingKey } from './sealing/keyring.js';
import { createUsedCeremonies } from './ceremonies/used.js';
import {
  confirmTransaction,
  createTransaction,
  denyTransaction,
  getTransaction,
  startTransactionConfirmation,
  type ConfirmTransactionOptions,
  type CreateTransactionOptions,
  type DenyTransactionOptions,
  type GetTransactionOptions,
  type StartTransactionConfirmationOptions,
} from './transactions/transactions.js';
import type { Store } from './storage/store.js';
import { checkRetention, DEFAULT_RETENTION, sweep, sweepAll, type RetentionSettings, type SweepOptions } from './sweep/sweep.js';
import {
  createTokenService,
  revokeSessions,
  signOut,
  type IssueTokenOptions,
  type RevokeSessionsOptions,
  type SignOutOptions,
  type VerifyTokenOptions,
} from './tokens/index.js';
import {
  registerDeviceKey,
  startDeviceProof,
  verifyDeviceProof,
  type RegisterDeviceKeyOptions,
  type StartDeviceProofOptions,
  type VerifyDeviceProofOptions,
} from './devicekeys/devicekeys.js';
import { createUser, getUser, retrieveUser, type CreateUserOptions, type GetUserOptions, type RetrieveUserOptions } from './users/index.js';

export interface TwofoldOptions {
  /** Where everything is kept: `createPGliteStore()` or `createPostgresStore()`. */
  store: Store;
  /**
   * WebAuthn relying party. `origins` are the exact origins pages are served from;
   * `relatedOrigins` are other sites' origins allowed to use this RP ID (WebAuthn L3 §5.11):
   * served as `GET /.well-known/webauthn` and accepted in verification. The RP ID's host must
   * answer that path with the handler (see the README).
   */
  rp: { id: string; name?: string; origins: string[]; relatedOrigins?: string[] };
  /** Allow new users to sign up from the browser. Default false (backends create users). */
  openRegistration?: boolean;
  /** Lifetime of a ceremony's challenge, 10 to 3600 s. Default 300 s. */
  ceremonyTtlSeconds?: number;
  /** Lifetime of session tokens. Default 900 s. */
  tokenTtlSeconds?: number;
  /**
   * How long a process trusts its last look at a session (revoked or not) before reading the
   * store again: a sign-out made through another process is seen within this time. Default 5 s;
   * 0 checks the store on every request.
   */
  sessionCacheSeconds?: number;
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
   * Secret keys (AES-256) that seal secrets at rest (signing keys, face templates, transaction
   * contexts), key code hashes and MAC stateless sign-in ceremonies. The first key seals; all
   * open, so keys rotate by putting a new one first. See `createKeyring`. Servers sharing a
   * database need the same keys. Without them sign-in ceremonies are stored (one more write).
   *
   * Required unless the store is `embedded` (PGlite): on PostgreSQL (or a store of your own)
   * createTwofold throws without them. Make one once with `generateSealingKey()` (or
   * `npx twofold secret-key generate`), keep it in your secret store and pass
   * `parseKeyring(secret)`.
   */
  secretKeys?: readonly SealingKey[];
  /**
   * Development only: start on a store that is not embedded (PostgreSQL) without `secretKeys`,
   * storing private signing keys unsealed and short codes unkeyed (it warns on every start).
   * The library's form of the CLI's `TWOFOLD_INSECURE_NO_SECRET_KEYS=true`. Default false.
   */
  insecureNoSecretKeys?: boolean;
  /** Credentials kept in memory for sign-in (see `createPasskeyCache`). Default 10 000 for 10 minutes; `{ max: 0 }` turns it off. */
  passkeyCache?: PasskeyCacheOptions;
  /** Pre-authorized code policy (lifetimes, attempt limits, link template). */
  codes?: Partial<Omit<CodeSettings, 'ttlSeconds'>> & { ttlSeconds?: Partial<CodeSettings['ttlSeconds']> };
  /**
   * Unauthenticated ceremony starts (passkey sign-up and sign-in options) allowed per client
   * address, so nobody can flood the ceremony table. Default 300 per minute. Needs
   * `http.clientAddress` to know addresses. Generous, since many users may share an address (NAT).
   */
  ceremoniesPerAddress?: RateLimit;
  /**
   * Ceremony starts made with a session (adding a passkey, face challenges), per user. Default
   * 30 per minute.
   */
  ceremoniesPerUser?: RateLimit;
  /**
   * Face checks (`/face/enroll`, `/face/verify`, a recovery flow's face step) per client address,
   * counted before the frames are analysed. Default 60 per 10 minutes: invented user ids each
   * have a fresh per-user budget, so without it one address could keep the analyzer saturated.
   */
  faceChecksPerAddress?: RateLimit;
  /**
   * Liveness actions face challenges ask for (each once, in random order). Default: all of
   * turn_left, turn_right, move_closer. Fewer is faster and more accessible, and weaker; at
   * least two (with one, re-labelled recorded frames would pass about one check in eight).
   */
  faceActions?: FaceAction[];
  /**
   * Measures faces in evidence frames on this server (the face routes need it). In Node:
   * `createFaceAnalyzer()` from `@twofold/server/face` (face-api in a worker pool); the host closes it (it may be shared).
   */
  faceAnalyzer?: FaceAnalyzer;
  /**
   * How long the sweep keeps rows after they stop mattering, in days (see `DEFAULT_RETENTION`:
   * audit events 365, transactions, recovery flows and codes 30 after expiry). By age only.
   */
  retention?: Partial<RetentionSettings>;
  /** PIN policy (attempt limit, rate limits, how many argon2id hashes run at once). */
  pins?: Partial<PinSettings>;
  /**
   * Runs argon2id for PINs. Default {@link inlinePinHasher} (WebAssembly on the calling thread:
   * any runtime, but each hash blocks the event loop ~70 ms). On Node pass
   * `createWorkerPinHasher()` from `@twofold/server/node` (worker threads); the host closes it.
   */
  pinHasher?: PinHasher;
  /**
   * HTTP handler settings. `clientAddress` (required to use `handler`) tells the handler a
   * request's client IP, for per-address rate limits.
   */
  http?: Omit<HandlerOptions, 'onError'>;
  /** Unexpected errors (5xx, failing `onEvent`). Default `console.error`. */
  onError?: (error: unknown) => void;
}

export type Twofold = ReturnType<typeof createTwofold>;

/**
 * Secret keys are required unless the store is embedded (its database is private to this
 * process) or the insecure development opt-out is set; then it only warns.
 */
function requireSecretKeys(options: TwofoldOptions): void {
  const keys: unknown = options.secretKeys;
  // `KEYS && parseKeyring(KEYS)` with an empty variable gives '' (or null from other code): an
  // absent key must not pass for a given one. Only undefined means "not given".
  if (keys !== undefined && !(Array.isArray(keys) && keys.length > 0)) {
    throw new TypeError(
      `createTwofold: secretKeys must be a non-empty array of keys (parseKeyring(secret)), got ${keys === null ? 'null' : Array.isArray(keys) ? 'an empty array' : `a ${typeof keys}`}`,
    );
  }
  if (keys !== undefined || options.store?.embedded === true) return;
  if (options.insecureNoSecretKeys === true) {
    console.warn(
      '[twofold] WARNING (insecureNoSecretKeys): private signing keys are stored unencrypted and short codes unkeyed. Development only: pass secretKeys.',
    );
    return;
  }
  throw new TypeError(
    'createTwofold: the `secretKeys` option is required with this store (PostgreSQL, or any store that is not embedded): without it private signing keys would be stored unencrypted and short codes unkeyed, readable by anyone who gets a dump or a backup. ' +
      'Make a key once with generateSealingKey() from @twofold/server (or `npx twofold secret-key generate`), keep it in your secret store, and pass secretKeys: parseKeyring(thatSecret) to every server sharing the database. ' +
      'For local development only: insecureNoSecretKeys: true.',
  );
}

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
  for (const origin of [...options.rp.origins, ...(options.rp.relatedOrigins ?? [])]) {
    if (new URL(origin).origin !== origin) throw new TypeError(`createTwofold: "${origin}" is not a bare origin`);
  }
  const ceremonyTtlSeconds = options.ceremonyTtlSeconds ?? 300;
  // Bounded: a sealed sign-in ceremony carries its expiry in 32 bits, and WebAuthn's timeout is advisory anyway.
  if (!(Number.isInteger(ceremonyTtlSeconds) && ceremonyTtlSeconds >= 10 && ceremonyTtlSeconds <= 3600)) {
    throw new TypeError(
      `createTwofold: ceremonyTtlSeconds must be a whole number of seconds from 10 to 3600, got ${options.ceremonyTtlSeconds}`,
    );
  }
  requireSecretKeys(options);
  // One action lets a re-labelled recorded frame land on its target ~12 % of the time (docs/face.md); two, 1.4 %.
  const faceActions = options.faceActions === undefined ? FACE_ACTIONS : [...new Set(options.faceActions)];
  if (faceActions.length < 2 || !faceActions.every((a) => FACE_ACTIONS.includes(a))) {
    throw new TypeError(
      `createTwofold: faceActions needs at least two distinct actions of ${FACE_ACTIONS.join(', ')}, got ${JSON.stringify(options.faceActions)}`,
    );
  }
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? ((e: unknown) => console.error('[twofold]', e));
  const rp: RelyingParty = {
    id: options.rp.id,
    name: options.rp.name ?? options.rp.id,
    origins: [...options.rp.origins],
    relatedOrigins: [...new Set(options.rp.relatedOrigins ?? [])].filter((o) => !options.rp.origins.includes(o)),
  };
  const keyring = options.secretKeys ? createKeyring(options.secretKeys) : undefined;
  const tokens = createTokenService({
    store: options.store,
    now,
    issuer: options.issuer ?? rp.origins[0]!,
    ...(keyring && { keyring }),
    ...(options.tokenTtlSeconds !== undefined && { ttlSeconds: options.tokenTtlSeconds }),
    ...(options.sessionCacheSeconds !== undefined && { sessionCacheSeconds: options.sessionCacheSeconds }),
  });
  const codes: CodeSettings = {
    ...DEFAULT_CODE_SETTINGS,
    ...options.codes,
    ttlSeconds: { ...DEFAULT_CODE_SETTINGS.ttlSeconds, ...options.codes?.ttlSeconds },
  };
  const pins: PinSettings = { ...DEFAULT_PIN_SETTINGS, ...options.pins };
  const pinHasher = options.pinHasher ?? inlinePinHasher;
  const pinHashing = {
    hasher: pinHasher,
    gate: createHashGate({ concurrency: pins.hashConcurrency ?? pinHasher.concurrency ?? 1, maxQueue: pins.hashQueue }),
  };
  const ctx: TwofoldContext = {
    store: options.store,
    rp,
    now,
    openRegistration: options.openRegistration ?? false,
    ceremonyTtlSeconds,
    tokens,
    keyring,
    passkeyCache: createPasskeyCache(options.store, options.passkeyCache),
    usedCeremonies: createUsedCeremonies(ceremonyTtlSeconds),
    codes,
    limiters: {
      codeUser: options.store.rateLimiter({ keyPrefix: 'code-user', ...codes.userAttempts }),
      codeAddress: options.store.rateLimiter({ keyPrefix: 'code-address', ...codes.addressAttempts }),
      codeUserAddress: options.store.rateLimiter({ keyPrefix: 'code-user-address', ...codes.userAddressAttempts }),
      pinUser: options.store.rateLimiter({ keyPrefix: 'pin-user', ...pins.userAttempts }),
      pinAddress: options.store.rateLimiter({ keyPrefix: 'pin-address', ...pins.addressAttempts }),
      // 30 days: a decoy lock outlasts any enumeration attempt (a real lock never decays).
      pinDecoy: options.store.rateLimiter({ keyPrefix: 'pin-decoy', points: pins.maxAttempts, durationSeconds: 30 * 86_400 }),
      pinChangeUser: options.store.rateLimiter({ keyPrefix: 'pin-change-user', ...pins.changeAttempts }),
      faceUser: options.store.rateLimiter({ keyPrefix: 'face-user', points: 5, durationSeconds: 900 }),
      faceLockedEvent: options.store.rateLimiter({ keyPrefix: 'face-locked-event', points: 1, durationSeconds: 900 }),
      faceAddress: options.store.rateLimiter({
        keyPrefix: 'face-address',
        ...(options.faceChecksPerAddress ?? { points: 60, durationSeconds: 600 }),
      }),
      ceremonyAddress: options.store.rateLimiter({
        keyPrefix: 'ceremony-address',
        ...(options.ceremoniesPerAddress ?? { points: 300, durationSeconds: 60 }),
      }),
      ceremonyUser: options.store.rateLimiter({
        keyPrefix: 'ceremony-user',
        ...(options.ceremoniesPerUser ?? { points: 30, durationSeconds: 60 }),
      }),
      // The client binds once per passkey sign-in: 20 a minute is far above any user's need.
      deviceKeyUser: options.store.rateLimiter({ keyPrefix: 'device-key-user', points: 20, durationSeconds: 60 }),
    },
    pins,
    pinHashing,
    retention: checkRetention({ ...DEFAULT_RETENTION, ...options.retention }),
    faceActions,
    faceAnalyzer: options.faceAnalyzer,
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

  let handler: ((req: Request) => Promise<Response>) | undefined;
  return {
    /** The domain context, for extension modules. */
    context: ctx,
    /**
     * `(Request) => Promise<Response>` serving the API under `/api/v1` (see docs/http-api.md). Built on
     * first use; throws a TypeError when `http.clientAddress` is missing (see {@link HandlerOptions}).
     */
    get handler() {
      return (handler ??= createHandler(ctx, { ...options.http, onError }));
    },
    users: {
      create: (o: CreateUserOptions) => createUser(ctx, o),
      /** By username. Throws `USER_NOT_FOUND`. */
      retrieve: (o: RetrieveUserOptions) => retrieveUser(ctx, o),
      /** By id. Throws `USER_NOT_FOUND`. */
      get: (o: GetUserOptions) => getUser(ctx, o),
    },
    /** Passkey ceremonies, split as the browser needs them: `start…` returns options, `verify…` checks the response. */
    passkeys: {
      startRegistration: (o: StartPasskeyRegistrationOptions) => startPasskeyRegistration(ctx, o),
      verifyRegistration: (o: VerifyPasskeyRegistrationOptions) => verifyPasskeyRegistration(ctx, o),
      startAuthentication: (o: StartPasskeyAuthenticationOptions = {}) => startPasskeyAuthentication(ctx, o),
      verifyAuthentication: (o: VerifyPasskeyAuthenticationOptions) => verifyPasskeyAuthentication(ctx, o),
      /** Automatic passkey upgrade (conditional create) for a user the host signed in its own way. */
      startUpgrade: (o: StartPasskeyUpgradeOptions) => startPasskeyUpgrade(ctx, o),
      /** Completes it (UP/UV may be unset for this ceremony only); issues no session token. */
      verifyUpgrade: (o: VerifyPasskeyUpgradeOptions) => verifyPasskeyUpgrade(ctx, o),
      /** The user's accepted credential ids and names, for the browser's Signal API. */
      getAcceptedCredentials: (o: GetAcceptedCredentialsOptions) => getAcceptedCredentials(ctx, o),
      /** `{origins}` of `/.well-known/webauthn` (related origins); throws `NOT_FOUND` when none are configured. */
      relatedOrigins: () => relatedOriginsDocument(ctx),
    },
    devices: {
      list: (o: ListDevicesOptions) => listDevices(ctx, o),
      rename: (o: RenameDeviceOptions) => renameDevice(ctx, o),
      /** Removes a device and its credential (a passkey, or a face template). */
      remove: (o: RemoveDeviceOptions) => removeDevice(ctx, o),
    },
    tokens: {
      /** Issues a session token (e.g. after the host's own first factor). */
      issue: (o: IssueTokenOptions) => tokens.issue(o),
      /** Verifies a session token and that its session is live (not signed out or revoked); throws `INVALID_TOKEN`. */
      verify: (o: VerifyTokenOptions) => tokens.verify(o.token),
      /** The public keys that verify session tokens (RFC 7517 JWK Set). */
      jwks: () => tokens.jwks(),
      /** Rotates the signing key; the old key keeps verifying for the grace period. */
      rotateSigningKey: async () => {
        const kid = await tokens.rotate();
        ctx.notify([await recordEvent(ctx, ctx.store, { type: 'signing_key.rotated', actor: actor.system, data: { kid } })]);
        return kid;
      },
      /** Deletes retired signing keys past their grace period. @returns their ids. */
      pruneSigningKeys: () => tokens.prune(),
      /** Creates the first signing key if needed and checks the active one opens. */
      ready: () => tokens.ready(),
    },
    /**
     * Device binding: browsers' device keys (non-extractable ECDSA P-256 in IndexedDB) bound to
     * passkey devices; PIN checks and credential-reset starts need a proof by one of them.
     */
    deviceKeys: {
      /** Binds a public key to the session's passkey device (step-up rule). */
      register: (o: RegisterDeviceKeyOptions) => registerDeviceKey(ctx, o),
      /** A fresh challenge for a proof. */
      startProof: (o: StartDeviceProofOptions) => startDeviceProof(ctx, o),
      /** Checks a proof (consumes its challenge); throws `DEVICE_PROOF_REQUIRED` / `DEVICE_PROOF_INVALID`. */
      verifyProof: (o: VerifyDeviceProofOptions) => verifyDeviceProof(ctx, o),
    },
    /** Server-side sessions: every token belongs to one (claim `sid`), checked on every request. */
    sessions: {
      /** Signs out: revokes the session of a verified token. */
      signOut: (o: SignOutOptions) => signOut(ctx, o),
      /** "Sign out everywhere": revokes every live session of a user (but `exceptSessionId`). */
      revokeAll: (o: RevokeSessionsOptions) => revokeSessions(ctx, o),
    },
    apiKeys: {
      create: (o: CreateApiKeyOptions) => createApiKey(ctx, o),
      /** Makes sure a key with exactly this secret and every scope exists (idempotent). */
      ensure: (o: EnsureApiKeyOptions) => ensureApiKey(ctx, o),
      /** The key a secret belongs to, or null. */
      authenticate: (o: AuthenticateApiKeyOptions) => authenticateApiKey(ctx, o),
      remove: (o: RemoveApiKeyOptions) => removeApiKey(ctx, o),
    },
    codes: {
      /** Generates a pre-authorized code for a user (deliver it out of band). */
      generate: (o: GenerateCodeOptions) => generateCode(ctx, o),
      /** Invalidates all of a user's live codes. */
      invalidateAll: (o: InvalidateCodesOptions) => invalidateCodes(ctx, o),
      /** Checks a code and starts registering a passkey with it (account recovery on a new device). */
      startAddPasskey: (o: StartAddPasskeyWithCodeOptions) => startAddPasskeyWithCode(ctx, o),
      /** Verifies the new passkey and consumes the code, atomically. */
      verifyAddPasskey: (o: VerifyAddPasskeyWithCodeOptions) => verifyAddPasskeyWithCode(ctx, o),
    },
    pins: {
      /** Sets the user's PIN; replacing one needs a fresh strong session (see `setPin`). */
      set: (o: SetPinOptions) => setPin(ctx, o),
      /** PIN sign-in: a token with `amr: ["pin"]`. */
      verify: (o: VerifyPinOptions) => verifyPin(ctx, o),
      getStatus: (o: GetPinStatusOptions) => getPinStatus(ctx, o),
    },
    transactions: {
      /** Starts a step-up transaction; the context is released only on confirmation. */
      create: (o: CreateTransactionOptions) => createTransaction(ctx, o),
      /** The outcome, never the context. */
      get: (o: GetTransactionOptions) => getTransaction(ctx, o),
      /** WebAuthn options bound to the transaction, for the user's passkey. */
      startConfirmation: (o: StartTransactionConfirmationOptions) => startTransactionConfirmation(ctx, o),
      confirm: (o: ConfirmTransactionOptions) => confirmTransaction(ctx, o),
      deny: (o: DenyTransactionOptions) => denyTransaction(ctx, o),
    },
    face: {
      startChallenge: (o: StartFaceChallengeOptions) => startFaceChallenge(ctx, o),
      enroll: (o: EnrollFaceOptions) => enrollFace(ctx, o),
      verify: (o: VerifyFaceOptions) => verifyFace(ctx, o),
      /** The stored client state of a backup/temporary face device (for the host to hand to a recovering client). */
      getClientState: (o: GetClientStateOptions) => getClientState(ctx, o),
    },
    /** Multi-step recovery: credential reset (PIN + face + passkey) and new device (code + face + passkey). */
    recovery: {
      start: (o: StartRecoveryOptions) => startRecovery(ctx, o),
      get: (o: GetRecoveryOptions) => getRecovery(ctx, o),
      choosePin: (o: ChooseRecoveryPinOptions) => chooseRecoveryPin(ctx, o),
      verifyFace: (o: VerifyRecoveryFaceOptions) => verifyRecoveryFace(ctx, o),
      startPasskey: (o: StartRecoveryPasskeyOptions) => startRecoveryPasskey(ctx, o),
      verifyPasskey: (o: VerifyRecoveryPasskeyOptions) => verifyRecoveryPasskey(ctx, o),
      abandon: (o: AbandonRecoveryOptions) => abandonRecovery(ctx, o),
      /** The user's recent flows, without handles (for support). */
      list: (o: ListRecoveriesOptions) => listRecoveries(ctx, o),
      /** Cancels every open flow of the user. */
      cancelAll: (o: CancelRecoveriesOptions) => cancelRecoveries(ctx, o),
    },
    audit: {
      list: (o: ListEventsOptions = {}) => listEvents(ctx, o),
      /** One page of a user's events and the next page's cursor (what `GET /me/events` serves). */
      page: (o: PageEventsOptions) => pageEvents(ctx, o),
    },
    /**
     * Housekeeping, one run: deletes expired ceremonies, sessions, rate-limit counters and
     * temporary face states, and recovery flows, codes, transactions and audit events past
     * `retention` — at most `batchSize` rows per table, under the sweep lock (one process at a
     * time per database; the others get `ran: false`). `twofold serve` runs it every minute.
     */
    sweep: (o: SweepOptions = {}) => sweep(ctx, o),
    /** {@link sweep} until nothing is left over (what `twofold sweep` runs). */
    sweepAll: (o: SweepOptions = {}) => sweepAll(ctx, o),
  };
}
