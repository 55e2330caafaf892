import { date, deleteBatchBefore, json, stringOrNull, type Query, type Row } from '../db/query.js';
import type { AuditEventRecord, AuditStore } from './store.js';

export function auditSql(q: Query): AuditStore {
  return {
    async insertAuditEvent(e) {
      await q(
        'INSERT INTO audit_events (id, type, at, user_id, device_id, actor, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        auditEventParams(e),
      );
    },
    async listAuditEvents(filter) {
      const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
      const { rows } =
        filter.userId === undefined
          ? await q('SELECT * FROM audit_events ORDER BY seq DESC LIMIT $1', [limit])
          : await q('SELECT * FROM audit_events WHERE user_id = $1 ORDER BY seq DESC LIMIT $2', [filter.userId, limit]);
      return rows.map(toAuditEvent);
    },
    async pageAuditEvents({ userId, limit, before, types }) {
      const n = Math.min(Math.max(Math.floor(limit), 1), 100);
      // One row more than asked tells whether there is a next page.
      const { rows } = await q(
        `SELECT * FROM audit_events
         WHERE user_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) AND ($3::text[] IS NULL OR type = ANY($3::text[]))
         ORDER BY seq DESC LIMIT $4`,
        [userId, before ?? null, types ? [...types] : null, n + 1],
      );
      const page = rows.slice(0, n);
      return { events: page.map(toAuditEvent), next: rows.length > n ? String(page.at(-1)!.seq) : null };
    },
    async deleteAuditEventsBefore(before, limit) {
      return deleteBatchBefore(q, 'audit_events', before, limit, { key: 'seq', column: 'at', oldestFirst: true });
    },
  };
}

const toAuditEvent = (r: Row): AuditEventRecord => ({
  id: String(r.id),
  type: String(r.type),
  at: date(r.at),
  userId: stringOrNull(r.user_id),
  deviceId: stringOrNull(r.device_id),
  actor: String(r.actor),
  data: json<Record<string, unknown>>(r.data),
});

/**
 * An audit event as SQL parameters in column order (id, type, at, user_id, device_id, actor,
 * data) — all null without one, for statements that log only alongside another write.
 */
export function auditEventParams(e: AuditEventRecord | undefined): unknown[] {
  return e ? [e.id, e.type, e.at, e.userId, e.deviceId, e.actor, JSON.stringify(e.data)] : [null, null, null, null, null, null, null];
}
