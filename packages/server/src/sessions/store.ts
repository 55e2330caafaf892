/** The sessions module's slice of the {@link Store}: session-token signing keys. */
export interface SigningKeysStore {
  /**
   * Inserts a key. At most one key is active (not retired): inserting a second active one is a
   * `StoreConflictError`, so retire the old key first (in the same transaction).
   */
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /**
   * Inserts `key` only while no key is active: of servers starting at once on one database,
   * exactly one creates the active key and the others read it. @returns whether this one did.
   */
  insertFirstSigningKey(key: SigningKeyRecord): Promise<boolean>;
  /** All keys, newest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  retireSigningKey(kid: string, at: Date): Promise<void>;
  deleteSigningKey(kid: string): Promise<void>;
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

/**
 * The sessions module's sessions slice: one row per sign-in (a token's `sid`), so sessions can be
 * revoked server-side. Tokens that carry a session forward (adding a passkey) share its row.
 */
export interface SessionsStore {
  /** Records a new session. Its id is random; a duplicate is a `StoreConflictError`. */
  insertSession(session: SessionRecord): Promise<void>;
  /** The session, revoked or not; null when unknown (or swept after it expired). */
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Atomically pushes a live session's `expiresAt` to at least `expiresAt` (for a token that
   * carries it forward). Guarded: false, and no change, when the session is unknown, another
   * user's, or revoked — so a revoked session can never be extended.
   */
  extendSession(id: string, userId: string, expiresAt: Date): Promise<boolean>;
  /**
   * Revokes sessions of `userId` that are not revoked yet, in one statement: one session (`id`),
   * those signed in with one device (`deviceId`), or all of them; `exceptId` is left alone.
   * Revoking is idempotent (an earlier `revokedAt` is kept). @returns how many were revoked now.
   */
  revokeSessions(filter: { userId: string; id?: string; deviceId?: string; exceptId?: string; at: Date }): Promise<number>;
  /** Sweep: deletes sessions whose last token expired before `before`. Deletes at most `limit` rows per call; @returns how many. */
  deleteExpiredSessions(before: Date, limit: number): Promise<number>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** The device that signed in (a passkey, a face device); null for a PIN or a host-issued token. */
  deviceId: string | null;
  createdAt: Date;
  /** When its last token expires; swept after. */
  expiresAt: Date;
  revokedAt: Date | null;
}
