import { date, json, stringOrNull, type Query, type Row, insertRecord } from '../db/query.js';
import type { CeremoniesStore, CeremonyRecord } from './store.js';

export function ceremoniesSql(q: Query): CeremoniesStore {
  return {
    async insertCeremony(c) {
      await insertRecord(q, 'ceremonies', { ...c, data: JSON.stringify(c.data) });
    },
    async consumeCeremony(id) {
      // One statement: the row lock taken by DELETE makes concurrent callers wait, and all but
      // the first then find nothing to delete.
      const { rows } = await q('DELETE FROM ceremonies WHERE id = $1 RETURNING *', [id]);
      return rows[0] ? toCeremony(rows[0]) : null;
    },
    async getCeremony(id) {
      const { rows } = await q('SELECT * FROM ceremonies WHERE id = $1', [id]);
      return rows[0] ? toCeremony(rows[0]) : null;
    },
    async useCeremonyMarker(marker, expiresAt) {
      const { rows } = await q('INSERT INTO ceremony_uses (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [
        marker,
        expiresAt,
      ]);
      return rows.length === 1;
    },
    async deleteExpiredCeremonies(now) {
      const stored = (await q('DELETE FROM ceremonies WHERE expires_at < $1', [now])).rowCount;
      return stored + (await q('DELETE FROM ceremony_uses WHERE expires_at < $1', [now])).rowCount;
    },
  };
}

const toCeremony = (r: Row): CeremonyRecord => ({
  id: String(r.id),
  kind: r.kind as CeremonyRecord['kind'],
  challenge: String(r.challenge),
  userId: stringOrNull(r.user_id),
  data: json<Record<string, unknown>>(r.data),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
});
