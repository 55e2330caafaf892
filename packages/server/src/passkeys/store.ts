import type { AuditEventRecord } from '../audit/store.js';
import type { SessionRecord } from '../sessions/store.js';

/** The passkeys module's slice of the {@link Store}. */
export interface PasskeysStore {
  insertPasskey(passkey: PasskeyRecord): Promise<void>;
  getPasskeyByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records a verified assertion in one atomic statement (it sits on every sign-in's path):
   * inserts the ceremony's single-use marker (with `use.ceremony`), moves the signature counter
   * by the rule of WebAuthn §6.1.1 and sets the backup state, touches the device, appends
   * `event` and opens `session` — all of them, or none but the marker.
   * @returns `recorded`; `ceremony_used` (the marker existed: nothing written); or `refused`:
   *   the credential is gone or is another incarnation (`deviceId`), or the counter did not move
   *   forward. Then only the marker is written: the ceremony is used either way.
   */
  recordPasskeyUse(use: PasskeyUse): Promise<PasskeyUseOutcome>;
}

export type PasskeyUseOutcome = 'recorded' | 'refused' | 'ceremony_used';

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
  /** The device the verifying code read with the credential (a deleted and re-registered id is another device). */
  deviceId: string;
  /**
   * The assertion's signature counter. WebAuthn §6.1.1: written only if greater than the stored
   * one, or if both are 0 (an authenticator without a counter); else the use is refused.
   */
  newCounter: number;
  /** BS flag of this assertion. */
  backedUp: boolean;
  usedAt: Date;
  /** A stateless ceremony's single-use marker, inserted first: a second use of it writes nothing. */
  ceremony?: { marker: string; expiresAt: Date };
  event?: AuditEventRecord;
  /**
   * The session this sign-in opens, inserted by the same statement (so a sign-in is one durable
   * write: marker, counter, device, audit event and session together).
   */
  session?: SessionRecord;
}
