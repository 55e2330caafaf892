/** The tokens module's slice of the {@link Store}: session-token signing keys. */
export interface SigningKeysStore {
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
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
