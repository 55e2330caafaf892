/** The recovery module's slice of the {@link Store}. */
export interface RecoveryStore {
  insertRecoveryFlow(flow: RecoveryFlowRecord): Promise<void>;
  getRecoveryFlow(idHash: string): Promise<RecoveryFlowRecord | null>;
  /**
   * Guarded step change (compare-and-set): applies `set` only while the flow is `open`,
   * unexpired at `now` and at one of the `from` steps, so of concurrent callers exactly one
   * moves it. `updatedAt` becomes `now`.
   * @returns the flow after the change, or null (and nothing written) when the guard failed.
   */
  advanceRecoveryFlow(args: {
    idHash: string;
    from: RecoveryStep[];
    set: RecoveryFlowChange;
    now: Date;
  }): Promise<RecoveryFlowRecord | null>;
  /** The user's most recent flows, newest first. */
  listRecoveryFlows(userId: string, limit: number): Promise<RecoveryFlowRecord[]>;
  /** Abandons every open, unexpired flow of the user (dropping staged PINs). @returns how many. */
  abandonRecoveryFlows(userId: string, now: Date): Promise<number>;
  /** Sweep: deletes recovery flows (in any state) that expired before `before`. Deletes at most `limit` rows per call (the sweep repeats); @returns how many. */
  deleteExpiredRecoveryFlows(before: Date, limit: number): Promise<number>;
}

import type { RecoveryKind, RecoveryStep } from '@twofold/protocol';

export type { RecoveryKind, RecoveryStep } from '@twofold/protocol';

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

/** The fields {@link RecoveryStore.advanceRecoveryFlow} may change. */
export type RecoveryFlowChange = Partial<
  Pick<RecoveryFlowRecord, 'status' | 'step' | 'stagedPinHash' | 'faceDeviceId' | 'faceVerifiedAt' | 'pinResetAt' | 'passkeyDeviceId'>
>;
