/** The tokens module's slice of the {@link Store}: session-token signing keys. */
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
