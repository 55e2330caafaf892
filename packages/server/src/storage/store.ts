/**
 * The storage boundary. Every domain module talks to a {@link Store}; adapters (PGlite,
 * PostgreSQL) implement it over one SQL schema (`sql/migrations.ts`).
 *
 * Atomicity contract, checked by the conformance suite (`test/storage/conformance.ts`) against
 * every adapter:
 * - {@link Store.transaction} runs its callback in one database transaction: all writes happen
 *   or none do. Nested calls join the outer transaction.
 * - {@link Store.consumeCeremony} is consume-once: of any number of concurrent callers with the
 *   same id, exactly one receives the record; it is deleted in the same statement.
 * - {@link Store.recordPasskeyUse} is a compare-and-set: it only writes when the stored
 *   counter still equals `expectedCounter`, so two racing assertions cannot both advance it;
 *   the device's `lastUsedAt` and the audit event are written in the same statement or not at all.
 * - Unique constraints (username, credential id, API-key hash) surface as {@link StoreConflictError}.
 *
 * All timestamps are passed in by the caller (the instance clock), never taken from the database,
 * so tests can move time with a clock seam.
 */
export interface Store {
  /** Runs `fn` inside one transaction; rolls back if it throws. Nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Releases connections / closes the embedded database. */
  close(): Promise<void>;

  insertUser(user: UserRecord): Promise<void>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;

  insertDevice(device: DeviceRecord): Promise<void>;
  getDevice(userId: string, deviceId: string): Promise<DeviceRecord | null>;
  listDevices(userId: string): Promise<DeviceRecord[]>;
  /** @returns false when no such device belongs to the user. */
  renameDevice(userId: string, deviceId: string, name: string): Promise<boolean>;
  /** Deletes the device and whatever hangs off it (its passkey). @returns false when absent. */
  deleteDevice(userId: string, deviceId: string): Promise<boolean>;
  touchDevice(deviceId: string, at: Date): Promise<void>;

  insertPasskey(passkey: PasskeyRecord): Promise<void>;
  getPasskeyByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records a successful assertion in one atomic step: compare-and-set of the signature counter
   * (WebAuthn §6.1.1) and backup state, the device's `lastUsedAt`, and `event` (if given).
   * One round trip, since it sits on every sign-in's path.
   * @returns false (and writes nothing) when the stored counter no longer equals `expectedCounter`.
   */
  recordPasskeyUse(use: PasskeyUse): Promise<boolean>;

  insertCeremony(ceremony: CeremonyRecord): Promise<void>;
  /** Atomically deletes and returns the ceremony; null when it does not exist (any more). */
  consumeCeremony(id: string): Promise<CeremonyRecord | null>;
  /** Housekeeping: removes ceremonies that expired before `now`. @returns how many. */
  deleteExpiredCeremonies(now: Date): Promise<number>;

  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** All keys, newest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  retireSigningKey(kid: string, at: Date): Promise<void>;
  deleteSigningKey(kid: string): Promise<void>;

  insertApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKeyBySecretHash(secretHash: string): Promise<ApiKeyRecord | null>;
  deleteApiKey(id: string): Promise<boolean>;

  insertCode(code: CodeRecord): Promise<void>;
  /** The user's most recent codes of one type and purpose, in any state, newest first. */
  listCodes(filter: { userId: string; type: CodeType; purpose: string; limit: number }): Promise<CodeRecord[]>;
  getCode(id: string): Promise<CodeRecord | null>;
  /**
   * Guarded increment: adds a failed attempt to each of `ids` that is still live and unlocked,
   * locking those that reach `maxAttempts` (locked_at = now). Atomic per row.
   * @returns the rows after the update.
   */
  recordCodeFailure(args: { ids: string[]; maxAttempts: number; now: Date }): Promise<CodeRecord[]>;
  /**
   * Consume-once: marks the code used if it is still live and unlocked at `now`. Of any number
   * of concurrent callers exactly one gets true.
   */
  consumeCode(id: string, now: Date): Promise<boolean>;
  /** Invalidates every live code of the user. @returns how many. */
  invalidateCodes(userId: string, now: Date): Promise<number>;

  /**
   * A rate limiter whose counters live in this store, so limits hold across server processes.
   * `points` attempts per `durationSeconds` per key.
   */
  rateLimiter(options: { keyPrefix: string; points: number; durationSeconds: number }): RateLimiter;
  /** Housekeeping: removes rate-limit counters that expired before `now`. */
  deleteExpiredRateLimits(now: Date): Promise<number>;

  getPin(userId: string): Promise<PinRecord | null>;
  /** Sets (or replaces) the user's PIN hash and clears failures and lock. */
  setPin(userId: string, hash: string, now: Date): Promise<void>;
  /**
   * Claims one attempt slot before a PIN is checked (guarded increment): succeeds only while the
   * PIN is unlocked and below `maxAttempts`, so concurrent guesses can never exceed the limit.
   * @returns the record after the increment, or null when there is no slot (locked / no PIN).
   */
  claimPinAttempt(userId: string, maxAttempts: number): Promise<PinRecord | null>;
  /** After a right PIN: clears the failures the claim counted. */
  clearPinAttempts(userId: string): Promise<void>;
  /** After a wrong PIN: locks it if the claimed attempts reached `maxAttempts`. @returns whether it locked now. */
  lockPinIfExhausted(userId: string, maxAttempts: number, now: Date): Promise<boolean>;

  insertTransaction(tx: TransactionRecord): Promise<void>;
  getTransaction(id: string): Promise<TransactionRecord | null>;
  /**
   * Decides a pending, unexpired transaction exactly once. Approval returns the sealed context
   * and erases it in the same statement, so it can be released only once.
   * @returns `{ sealedContext }` (the context as it was; null for a denied one is fine to ignore),
   *   or null when the transaction was not pending and unexpired.
   */
  decideTransaction(args: { id: string; status: 'approved' | 'denied'; method: string | null; now: Date }): Promise<{ sealedContext: string | null } | null>;

  insertFaceTemplate(template: FaceTemplateRecord): Promise<void>;
  /** The user's face templates that are usable at `now` (not expired, temporary ones unused). */
  listFaceTemplates(userId: string, now: Date): Promise<FaceTemplateRecord[]>;
  /**
   * Consume-once for a `temporary` template: deletes it with its device (it is single-use), true
   * for exactly one caller, while unexpired. Backup templates are never consumed.
   */
  useFaceTemplate(deviceId: string, now: Date): Promise<boolean>;
  /** Housekeeping: deletes the devices of `temporary` templates that expired before `now`. @returns how many. */
  deleteExpiredFaceDevices(now: Date): Promise<number>;

  insertRecoveryFlow(flow: RecoveryFlowRecord): Promise<void>;
  getRecoveryFlow(idHash: string): Promise<RecoveryFlowRecord | null>;
  /**
   * Guarded step change (compare-and-set): applies `set` only while the flow is `open`,
   * unexpired at `now` and at one of the `from` steps, so of concurrent callers exactly one
   * moves it. `updatedAt` becomes `now`.
   * @returns the flow after the change, or null (and nothing written) when the guard failed.
   */
  advanceRecoveryFlow(args: { idHash: string; from: RecoveryStep[]; set: RecoveryFlowChange; now: Date }): Promise<RecoveryFlowRecord | null>;
  /** The user's most recent flows, newest first. */
  listRecoveryFlows(userId: string, limit: number): Promise<RecoveryFlowRecord[]>;
  /** Abandons every open, unexpired flow of the user (dropping staged PINs). @returns how many. */
  abandonRecoveryFlows(userId: string, now: Date): Promise<number>;

  insertAuditEvent(event: AuditEventRecord): Promise<void>;
  listAuditEvents(filter: { userId?: string; limit?: number }): Promise<AuditEventRecord[]>;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
}

export type DeviceType = 'passkey' | 'backup' | 'temporary';

export interface DeviceRecord {
  id: string;
  userId: string;
  type: DeviceType;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyRecord {
  deviceId: string;
  userId: string;
  /** base64url credential id (WebAuthn §5.1 `rawId`). */
  credentialId: string;
  /** COSE public key bytes. */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  /** Authenticator model id from the attested credential data (WebAuthn §6.5.2). */
  aaguid: string;
  /** BE flag (WebAuthn §6.1): may the credential be synced to other devices. */
  backupEligible: boolean;
  /** BS flag (WebAuthn §6.1): is it currently backed up. */
  backedUp: boolean;
}

/** A successful assertion to record with {@link Store.recordPasskeyUse}. */
export interface PasskeyUse {
  credentialId: string;
  /** The counter read before verification; the write happens only if it is still stored. */
  expectedCounter: number;
  newCounter: number;
  /** BS flag of this assertion. */
  backedUp: boolean;
  usedAt: Date;
  event?: AuditEventRecord;
}

export type CeremonyKind = 'registration' | 'authentication' | 'transaction' | 'face';

export interface CeremonyRecord {
  id: string;
  kind: CeremonyKind;
  /** base64url challenge sent to the authenticator. */
  challenge: string;
  /** The user the ceremony is for, when known. */
  userId: string | null;
  /** Ceremony-specific data (e.g. the pending username of a sign-up). */
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
}

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  publicJwk: Record<string, unknown>;
  /** The private JWK, or `{ sealed }` when a keyring seals it at rest. */
  privateJwk: Record<string, unknown>;
  createdAt: Date;
  /** Set once a newer key took over; retired keys still verify until they are deleted. */
  retiredAt: Date | null;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 (base64url) of the full secret; the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
}

export interface AuditEventRecord {
  id: string;
  type: string;
  at: Date;
  userId: string | null;
  deviceId: string | null;
  /** Who did it: `user:<id>`, `service:<keyId>` or `system`. */
  actor: string;
  data: Record<string, unknown>;
}

export type CodeType = 'short' | 'long' | 'link';

export interface CodeRecord {
  id: string;
  userId: string;
  purpose: string;
  type: CodeType;
  /** Keyed hash (HMAC-SHA256, base64url) of the code; the code itself is never stored. */
  secretHash: string;
  /** Which secret key keyed the hash (`'none'` when no secret keys are configured). */
  hashKeyId: string;
  authorized: boolean;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  invalidatedAt: Date | null;
  lockedAt: Date | null;
  failedAttempts: number;
  /** Only a recovery flow with a face check may redeem it (not the code-only route). */
  requireFace: boolean;
}

export interface PinRecord {
  userId: string;
  /** Encoded argon2id hash. */
  hash: string;
  failedAttempts: number;
  lockedAt: Date | null;
  updatedAt: Date;
}

export type TransactionStatus = 'pending' | 'approved' | 'denied';

export interface TransactionRecord {
  id: string;
  userId: string;
  message: string;
  /** The post-operation context, sealed; null once released. */
  sealedContext: string | null;
  allowPin: boolean;
  /** Random value bound into the WebAuthn challenge. */
  nonce: string;
  status: TransactionStatus;
  method: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
}

export interface FaceTemplateRecord {
  /** The `backup` or `temporary` device the template is kept as. */
  deviceId: string;
  userId: string;
  /** The template, sealed (the same opaque string the client state carries). */
  sealed: string;
  /** Set for `temporary` templates. */
  expiresAt: Date | null;
  usedAt: Date | null;
}

export type RecoveryKind = 'credential_reset' | 'new_device';
/** The next step of a recovery flow; `done` once it is completed. */
export type RecoveryStep = 'pin' | 'face' | 'passkey' | 'done';

export interface RecoveryFlowRecord {
  /** SHA-256 (base64url) of the flow id handed to the client. */
  idHash: string;
  userId: string;
  kind: RecoveryKind;
  status: 'open' | 'completed' | 'abandoned';
  step: RecoveryStep;
  /** The code checked when a `new_device` flow began; consumed when the passkey is bound. */
  codeId: string | null;
  /** The new PIN of a `credential_reset` (argon2id), applied when the face check passes. */
  stagedPinHash: string | null;
  /** The face template that matched. */
  faceDeviceId: string | null;
  faceVerifiedAt: Date | null;
  pinResetAt: Date | null;
  passkeyDeviceId: string | null;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

/** The fields {@link Store.advanceRecoveryFlow} may change. */
export type RecoveryFlowChange = Partial<
  Pick<RecoveryFlowRecord, 'status' | 'step' | 'stagedPinHash' | 'faceDeviceId' | 'faceVerifiedAt' | 'pinResetAt' | 'passkeyDeviceId'>
>;

/** What a rate limiter answers: whether the attempt is allowed and when to try again. */
export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one attempt for `key`. */
  consume(key: string): Promise<RateLimitResult>;
  /** Forgets `key`'s attempts (e.g. after a success). */
  reset(key: string): Promise<void>;
}

/** A unique constraint was violated; `constraint` names which. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(readonly constraint: string, options?: ErrorOptions) {
    super(`unique constraint violated: ${constraint}`, options);
  }
}
