/** The pins module's slice of the {@link Store}. */
export interface PinsStore {
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
}

export interface PinRecord {
  userId: string;
  /** Encoded argon2id hash. */
  hash: string;
  failedAttempts: number;
  lockedAt: Date | null;
  updatedAt: Date;
}
