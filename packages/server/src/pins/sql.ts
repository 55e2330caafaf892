import { date, dateOrNull, type Query, type Row } from '../db/query.js';
import type { PinRecord, PinsStore } from './store.js';

export function pinsSql(q: Query): PinsStore {
  return {
    async getPin(userId) {
      const { rows } = await q('SELECT * FROM pins WHERE user_id = $1', [userId]);
      return rows[0] ? toPin(rows[0]) : null;
    },
    async setPin(userId, hash, now) {
      await q(
        `INSERT INTO pins (user_id, hash, failed_attempts, locked_at, updated_at) VALUES ($1, $2, 0, NULL, $3)
         ON CONFLICT (user_id) DO UPDATE SET hash = $2, failed_attempts = 0, locked_at = NULL, updated_at = $3`,
        [userId, hash, now],
      );
    },
    async claimPinAttempt(userId, maxAttempts) {
      const { rows } = await q(
        `UPDATE pins SET failed_attempts = failed_attempts + 1
         WHERE user_id = $1 AND locked_at IS NULL AND failed_attempts < $2 RETURNING *`,
        [userId, maxAttempts],
      );
      return rows[0] ? toPin(rows[0]) : null;
    },
    async clearPinAttempts(userId) {
      await q('UPDATE pins SET failed_attempts = 0 WHERE user_id = $1 AND locked_at IS NULL', [userId]);
    },
    async lockPinIfExhausted(userId, maxAttempts, now) {
      const r = await q('UPDATE pins SET locked_at = $3 WHERE user_id = $1 AND locked_at IS NULL AND failed_attempts >= $2', [
        userId,
        maxAttempts,
        now,
      ]);
      return r.rowCount === 1;
    },
  };
}

const toPin = (r: Row): PinRecord => ({
  userId: String(r.user_id),
  hash: String(r.hash),
  failedAttempts: Number(r.failed_attempts),
  lockedAt: dateOrNull(r.locked_at),
  updatedAt: date(r.updated_at),
});
