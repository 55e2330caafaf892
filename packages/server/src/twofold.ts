import { FACE_ACTIONS, type FaceAction } from '@twofold/protocol';
import type { AuditEvent } from './audit/index.js';
import { createUsedCeremonies } from './ceremonies/index.js';
import { DEFAULT_CODE_SETTINGS, type CodeSettings } from './codes/index.js';
import type { RelyingParty, TwofoldContext } from './context.js';
import type { FaceAnalyzer } from './face/index.js';
import { createHandler, type HandlerOptions } from './http/app.js';
import { type BoundVerbs, bindVerbs } from './module.js';
import { MODULES, type ModuleVerbs } from './modules.js';
import { createPasskeyCache, type PasskeyCacheOptions } from './passkeys/index.js';
import { createHashGate, DEFAULT_PIN_SETTINGS, inlinePinHasher, type PinHasher, type PinSettings } from './pins/index.js';
import type { RateLimit } from './ratelimits/index.js';
import { createKeyring, type SealingKey } from './sealing/keyring.js';
import type { Store } from './store.js';
import { checkRetention, DEFAULT_RETENTION, type RetentionSettings } from './sweep/index.js';
import { createTokenService } from './sessions/index.js';

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
    // Every module's verbs (MODULES, src/modules.ts): users, passkeys, devices, tokens, sessions, … .
    ...moduleVerbs(ctx),
  };
}

/** The modules' verbs bound to one context, joined into one object (each module adds its own keys). */
function moduleVerbs(ctx: TwofoldContext): BoundVerbs<ModuleVerbs> {
  return Object.assign({}, ...MODULES.map((m) => m.verbs && bindVerbs(ctx, m.verbs)));
}
