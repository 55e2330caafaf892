import type { AuditEventType } from '@twofold/protocol';

export type { AuditEventType } from '@twofold/protocol';

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


export interface AuditEvent extends AuditEventRecord {
  type: AuditEventType;
}
