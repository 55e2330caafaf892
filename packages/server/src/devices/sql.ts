import { date, dateOrNull, type Query, type Row, insertRecord } from '../db/query.js';
import type { DeviceRecord, DevicesStore } from './store.js';

export function devicesSql(q: Query): DevicesStore {
  return {
    async insertDevice(d) {
      await insertRecord(q, 'devices', d);
    },
    async getDevice(userId, deviceId) {
      const { rows } = await q('SELECT * FROM devices WHERE user_id = $1 AND id = $2', [userId, deviceId]);
      return rows[0] ? toDevice(rows[0]) : null;
    },
    async listDevices(userId) {
      const { rows } = await q('SELECT * FROM devices WHERE user_id = $1 ORDER BY created_at, id', [userId]);
      return rows.map(toDevice);
    },
    async renameDevice(userId, deviceId, name) {
      return (await q('UPDATE devices SET name = $3 WHERE user_id = $1 AND id = $2', [userId, deviceId, name])).rowCount === 1;
    },
    async deleteDevice(userId, deviceId) {
      return (await q('DELETE FROM devices WHERE user_id = $1 AND id = $2', [userId, deviceId])).rowCount === 1;
    },
    async touchDevice(deviceId, at) {
      await q('UPDATE devices SET last_used_at = $2 WHERE id = $1', [deviceId, at]);
    },
  };
}

const toDevice = (r: Row): DeviceRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  type: r.type as DeviceRecord['type'],
  name: String(r.name),
  createdAt: date(r.created_at),
  lastUsedAt: dateOrNull(r.last_used_at),
});
