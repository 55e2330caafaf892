import type { AuditEventRecord } from '../audit/store.js';
import type { SessionRecord } from '../tokens/store.js';

/** The passkeys module's slice of the {@link Store}. */
export interface PasskeysStore {
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

/** A successful assertion to record with {@link PasskeysStore.recordPasskeyUse}. */
export interface PasskeyUse {
  credentialId: string;
  /** The counter read before verification; the write happens only if it is still stored. */
  expectedCounter: number;
  newCounter: number;
  /** BS flag of this assertion. */
  backedUp: boolean;
  usedAt: Date;
  event?: AuditEventRecord;
  /**
   * The session this sign-in opens, inserted by the same statement (so a sign-in is one durable
   * write: counter, device, audit event and session together, or none of them).
   */
  session?: SessionRecord;
}
