/** The ceremonies module's slice of the {@link Store}. */
export interface CeremoniesStore {
  insertCeremony(ceremony: CeremonyRecord): Promise<void>;
  /**
   * Consume-once: atomically deletes and returns the ceremony; of any number of concurrent
   * callers with the same id exactly one receives it. Null when it does not exist (any more).
   */
  consumeCeremony(id: string): Promise<CeremonyRecord | null>;
  /** The ceremony, without consuming it (a cheap check before reading a large body); null when absent. */
  getCeremony(id: string): Promise<CeremonyRecord | null>;
  /**
   * Marks a stateless ceremony used (its `marker`, kept until `expiresAt`): atomically inserts
   * the marker unless it exists. Of any number of concurrent callers exactly one gets true.
   * A sign-in inserts it with its use (`recordPasskeyUse`); this is for the refusals.
   */
  useCeremonyMarker(marker: string, expiresAt: Date): Promise<boolean>;
  /** Housekeeping: removes ceremonies and used-ceremony markers that expired before `now`. @returns how many. */
  deleteExpiredCeremonies(now: Date): Promise<number>;
}

export type CeremonyKind = 'registration' | 'authentication' | 'transaction' | 'face' | 'device_proof';

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
