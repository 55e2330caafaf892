import type { FaceAction } from '@twofold/protocol';
import type { FaceAnalyzer } from './face/analyzer.js';
import type { AuditEvent } from './audit/store.js';
import type { CodeSettings } from './codes/settings.js';
import type { HashGate, PinHasher } from './pins/hashing.js';
import type { PinSettings } from './pins/settings.js';
import type { RateLimiter } from './ratelimits/store.js';
import type { UsedCeremonies } from './ceremonies/used.js';
import type { PasskeyCache } from './passkeys/cache.js';
import type { Keyring } from './sealing/keyring.js';
import type { Store } from './store.js';
import type { RetentionSettings } from './sweep/settings.js';
import type { TokenService } from './sessions/tokens.js';

/** Everything a domain function needs; built once per {@link createTwofold} instance. */
export interface TwofoldContext {
  store: Store;
  rp: RelyingParty;
  /** The instance clock. Tests replace it to move time (expiry) without sleeping. */
  now: () => Date;
  openRegistration: boolean;
  ceremonyTtlSeconds: number;
  tokens: TokenService;
  /** Credentials this instance read for sign-in lately (immutable parts only are relied on). */
  passkeyCache: PasskeyCache;
  /** Stateless ceremonies this instance saw used lately (a fast refusal; the database decides). */
  usedCeremonies: UsedCeremonies;
  /**
   * Seals secrets at rest, keys code hashes and MACs stateless sign-in ceremonies; absent when
   * no secret keys are configured (sign-in ceremonies are then stored).
   */
  keyring: Keyring | undefined;
  codes: CodeSettings;
  /** Rate limiters held in the store (limits hold across server processes). */
  pins: PinSettings;
  /** argon2id for PINs: the hasher (inline or a worker pool) behind this instance's gate. */
  pinHashing: { hasher: PinHasher; gate: HashGate };
  /** How long the sweep keeps old rows (days). */
  retention: RetentionSettings;
  /** Liveness actions a face challenge asks for, each once in random order. */
  faceActions: readonly FaceAction[];
  /** Measures faces in evidence frames (a worker pool); absent: face endpoints answer NOT_CONFIGURED. */
  faceAnalyzer: FaceAnalyzer | undefined;
  limiters: {
    /** Short-code attempts per user: the ceiling that backs off (never burns codes). */
    codeUser: RateLimiter;
    /** Code attempts per client address (every type). */
    codeAddress: RateLimiter;
    /** Short-code attempts per (user, client address). */
    codeUserAddress: RateLimiter;
    pinUser: RateLimiter;
    pinAddress: RateLimiter;
    /** Decoy PIN attempts for unknown users and users without a PIN (PIN sign-in answers them like real ones). */
    pinDecoy: RateLimiter;
    /** PIN changes per user (each one is a slow hash). */
    pinChangeUser: RateLimiter;
    /** Unauthenticated ceremony starts (sign-up / sign-in options) per client address. */
    ceremonyAddress: RateLimiter;
    /** Ceremony starts with a session (add a passkey, face challenges), per user. */
    ceremonyUser: RateLimiter;
    /** Device-key bindings per user, counted only for a session allowed to bind. */
    deviceKeyUser: RateLimiter;
    /** Face verification attempts per user; exhausting it is FACE_LOCKED. */
    faceUser: RateLimiter;
    /** One `face.locked` audit event per lock window and key. */
    faceLockedEvent: RateLimiter;
    /** Face checks (frames analysed) per client address: the analyzer is the expensive part. */
    faceAddress: RateLimiter;
  };
  /** Hands committed audit events to the host's `onEvent` hook. Never throws. */
  notify: (events: AuditEvent[]) => void;
}

export interface RelyingParty {
  /** WebAuthn RP ID (WebAuthn §5.1.2 `rp.id`), e.g. `example.com` or `localhost`. */
  id: string;
  /** Human-palatable RP name shown by authenticators. */
  name: string;
  /** Origins allowed in `clientDataJSON.origin` (WebAuthn §7.1 step 9). */
  origins: string[];
  /**
   * Other sites' origins that may use this RP ID (WebAuthn L3 §5.11 related origin requests):
   * listed in `/.well-known/webauthn` and accepted in `clientDataJSON.origin` too.
   */
  relatedOrigins: string[];
}
