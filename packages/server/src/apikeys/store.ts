/** The apikeys module's slice of the {@link Store}. */
export interface ApiKeysStore {
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKeyBySecretHash(secretHash: string): Promise<ApiKeyRecord | null>;
  deleteApiKey(id: string): Promise<boolean>;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 (base64url) of the full secret; the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
}
