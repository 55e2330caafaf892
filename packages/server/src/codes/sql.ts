import { date, dateOrNull, type Query, type Row, insertRecord, deleteBatchBefore } from '../db/query.js';
import type { CodeRecord, CodesStore, CodeType } from './store.js';

export function codesSql(q: Query): CodesStore {
  return {
    async insertCode(c) {
      await insertRecord(q, 'codes', c);
    },
    async listCodes(f) {
      const { rows } = await q(
        'SELECT * FROM codes WHERE user_id = $1 AND type = $2 AND purpose = $3 ORDER BY created_at DESC, id LIMIT $4',
        [f.userId, f.type, f.purpose, f.limit],
      );
      return rows.map(toCode);
    },
    async getCode(id) {
      const { rows } = await q('SELECT * FROM codes WHERE id = $1', [id]);
      return rows[0] ? toCode(rows[0]) : null;
    },
    async recordCodeFailure(a) {
      if (a.ids.length === 0) return [];
      const { rows } = await q(
        `UPDATE codes SET failed_attempts = failed_attempts + 1,
                locked_at = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE NULL END
         WHERE id = ANY($1::text[]) AND locked_at IS NULL AND used_at IS NULL AND invalidated_at IS NULL AND expires_at > $3
         RETURNING *`,
        [a.ids, a.maxAttempts, a.now],
      );
      return rows.map(toCode);
    },
    async consumeCode(id, now) {
      const r = await q(
        `UPDATE codes SET used_at = $2
         WHERE id = $1 AND used_at IS NULL AND invalidated_at IS NULL AND locked_at IS NULL AND expires_at > $2`,
        [id, now],
      );
      return r.rowCount === 1;
    },
    async invalidateCodes(userId, now) {
      const r = await q(
        'UPDATE codes SET invalidated_at = $2 WHERE user_id = $1 AND used_at IS NULL AND invalidated_at IS NULL AND expires_at > $2',
        [userId, now],
      );
      return r.rowCount;
    },
    async deleteExpiredCodes(before, limit) {
      return deleteBatchBefore(q, 'codes', before, limit);
    },
  };
}

const toCode = (r: Row): CodeRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  purpose: String(r.purpose),
  type: r.type as CodeType,
  secretHash: String(r.secret_hash),
  hashKeyId: String(r.hash_key_id),
  authorized: Boolean(r.authorized),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  usedAt: dateOrNull(r.used_at),
  invalidatedAt: dateOrNull(r.invalidated_at),
  lockedAt: dateOrNull(r.locked_at),
  failedAttempts: Number(r.failed_attempts),
  requireFace: Boolean(r.require_face),
});
