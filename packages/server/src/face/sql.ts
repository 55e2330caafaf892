import { dateOrNull, type Query, insertRecord } from '../db/query.js';
import type { FaceStore } from './store.js';

export function faceSql(q: Query): FaceStore {
  return {
    async insertFaceTemplate(f) {
      await insertRecord(q, 'face_templates', f);
    },
    async listFaceTemplates(userId, now) {
      const { rows } = await q(
        `SELECT * FROM face_templates WHERE user_id = $1 AND (expires_at IS NULL OR (expires_at > $2 AND used_at IS NULL))`,
        [userId, now],
      );
      return rows.map((r) => ({
        deviceId: String(r.device_id),
        userId: String(r.user_id),
        sealed: String(r.sealed),
        expiresAt: dateOrNull(r.expires_at),
        usedAt: dateOrNull(r.used_at),
      }));
    },
    async useFaceTemplate(deviceId, now) {
      const r = await q(
        `DELETE FROM devices WHERE id = (
           SELECT device_id FROM face_templates WHERE device_id = $1 AND expires_at IS NOT NULL AND expires_at > $2 AND used_at IS NULL)`,
        [deviceId, now],
      );
      return r.rowCount === 1;
    },
    async deleteExpiredFaceDevices(now) {
      return (await q('DELETE FROM devices WHERE id IN (SELECT device_id FROM face_templates WHERE expires_at <= $1)', [now])).rowCount;
    },
    async rememberFaceFrames(userId, fingerprints, now) {
      if (fingerprints.length === 0) return true;
      // One statement: each new fingerprint is inserted, each known one skipped; a duplicate
      // within the list is skipped too (unnest + ON CONFLICT sees the first copy).
      const r = await q(
        `INSERT INTO face_frames_seen (fingerprint, user_id, seen_at)
         SELECT DISTINCT f, $2, $3::timestamptz FROM unnest($1::text[]) AS f
         ON CONFLICT (fingerprint) DO NOTHING`,
        [fingerprints, userId, now],
      );
      return r.rowCount === fingerprints.length;
    },
    async forgetFaceFrames(cutoff) {
      return (await q('DELETE FROM face_frames_seen WHERE seen_at < $1', [cutoff])).rowCount;
    },
  };
}
