import { date, dateOrNull, json, type Query, type Row } from '../db/query.js';
import type { DeviceKeyRecord, DeviceKeysStore } from './store.js';

/** The device-keys slice over SQL (table `device_keys`, migration 10). */
export function deviceKeysSql(q: Query): DeviceKeysStore {
  return {
    async upsertDeviceKey(k) {
      const r = await q(
        `INSERT INTO device_keys (key_id, user_id, device_id, public_jwk, created_at, last_used_at, bound_at) VALUES ($1, $2, $3, $4, $5, $6, $5)
         ON CONFLICT (key_id) DO UPDATE SET device_id = EXCLUDED.device_id, bound_at = EXCLUDED.bound_at WHERE device_keys.user_id = EXCLUDED.user_id`,
        [k.keyId, k.userId, k.deviceId, JSON.stringify(k.publicJwk), k.createdAt, k.lastUsedAt],
      );
      return r.rowCount === 1;
    },
    async pruneDeviceKeys({ deviceId, keep, exceptKeyId }) {
      const r = await q(
        `DELETE FROM device_keys WHERE device_id = $1 AND key_id <> $3 AND key_id NOT IN (
           SELECT key_id FROM device_keys WHERE device_id = $1 AND key_id <> $3
           ORDER BY GREATEST(bound_at, last_used_at) DESC, key_id LIMIT $2)`,
        [deviceId, Math.max(0, keep - 1), exceptKeyId],
      );
      return r.rowCount;
    },
    async getDeviceKey(keyId) {
      const { rows } = await q('SELECT * FROM device_keys WHERE key_id = $1', [keyId]);
      return rows[0] ? toDeviceKey(rows[0]) : null;
    },
    async touchDeviceKey(keyId, at) {
      await q('UPDATE device_keys SET last_used_at = $2 WHERE key_id = $1', [keyId, at]);
    },
  };
}

const toDeviceKey = (r: Row): DeviceKeyRecord => ({
  keyId: String(r.key_id),
  userId: String(r.user_id),
  deviceId: String(r.device_id),
  publicJwk: json<DeviceKeyRecord['publicJwk']>(r.public_jwk),
  createdAt: date(r.created_at),
  lastUsedAt: dateOrNull(r.last_used_at),
});
