import type { AuditEventType } from '@twofold/protocol';

export type { AuditEventType } from '@twofold/protocol';

/** The audit module's slice of the {@link Store}. */
export interface AuditStore {
  insertAuditEvent(event: AuditEventRecord): Promise<void>;
  /** Newest first; `limit` is clamped to 1..1000 (default 100). */
  listAuditEvents(filter: { userId?: string; limit?: number }): Promise<AuditEventRecord[]>;
  /**
   * One page of a user's events, newest first (keyset paging on the insertion order, so events
   * written meanwhile never shift a page): at most `limit` (clamped to 1..100), older than the
   * `before` cursor when given, only of `types` when given. `next` is the cursor of the following
   * page, null on the last. A cursor is opaque (today the event's sequence number).
   */
  pageAuditEvents(filter: {
    userId: string;
    limit: number;
    before?: string;
    types?: readonly string[];
  }): Promise<{ events: AuditEventRecord[]; next: string | null }>;
  /** Sweep: deletes events that happened before `before`. Deletes at most `limit` rows per call (the sweep repeats); @returns how many. */
  deleteAuditEventsBefore(before: Date, limit: number): Promise<number>;
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
