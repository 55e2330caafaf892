/** The audit module's slice of the {@link Store}. */
export interface AuditStore {
  insertAuditEvent(event: AuditEventRecord): Promise<void>;
  /** Newest first; `limit` is clamped to 1..1000 (default 100). */
  listAuditEvents(filter: { userId?: string; limit?: number }): Promise<AuditEventRecord[]>;
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

/** Security-relevant things that happen; each is written to the audit log and sent to `onEvent`. */
export type AuditEventType =
  | 'user.created'
  | 'user.signed_in'
  | 'passkey.added'
  | 'passkey.counter_regression'
  | 'code.generated'
  | 'code.redeemed'
  | 'code.wrong'
  | 'code.locked'
  | 'codes.invalidated'
  | 'pin.set'
  | 'pin.replaced'
  | 'pin.wrong'
  | 'pin.locked'
  | 'pin.reset'
  | 'recovery.started'
  | 'recovery.completed'
  | 'recovery.abandoned'
  | 'recovery.cancelled'
  | 'passkey.step_up'
  | 'transaction.created'
  | 'transaction.approved'
  | 'transaction.denied'
  | 'face.enrolled'
  | 'face.verified'
  | 'face.mismatch'
  | 'face.liveness_failed'
  | 'face.locked'
  | 'device.renamed'
  | 'device.removed'
  | 'api_key.created'
  | 'api_key.deleted'
  | 'signing_key.rotated';

export interface AuditEvent extends AuditEventRecord {
  type: AuditEventType;
}
