import { auditEventParams } from '../audit/index.js';
import { json, type Query, type Row, insertRecord } from '../db/query.js';
import type { PasskeyRecord, PasskeysStore } from './store.js';

export function passkeysSql(q: Query): PasskeysStore {
  return {
    async insertPasskey(p) {
      await insertRecord(q, 'passkeys', { ...p, transports: JSON.stringify(p.transports) });
    },
    async getPasskeyByCredentialId(credentialId) {
      const { rows } = await q('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
      return rows[0] ? toPasskey(rows[0]) : null;
    },
    async listPasskeys(userId) {
      const { rows } = await q('SELECT * FROM passkeys WHERE user_id = $1', [userId]);
      return rows.map(toPasskey);
    },
    async recordPasskeyUse(a) {
      // Data-modifying CTEs run as one statement with one snapshot; each later one selects from
      // an earlier one's RETURNING rows, so nothing is written past a refusal but the marker.
      // A concurrent insert of the same marker waits for ours to commit, then finds it.
      const e = a.event;
      const s = a.session;
      const { rows } = await q(
        `WITH marked AS (
           INSERT INTO ceremony_uses (id, expires_at)
           SELECT $1::text, $2::timestamptz WHERE $1::text IS NOT NULL
           ON CONFLICT (id) DO NOTHING
           RETURNING id
         ), used AS (
           UPDATE passkeys SET counter = $5, backed_up = $6
           WHERE credential_id = $3 AND device_id = $4
             AND (counter < $5 OR ($5 = 0 AND counter = 0))
             AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM marked))
           RETURNING device_id
         ), touched AS (
           UPDATE devices SET last_used_at = $7 WHERE id IN (SELECT device_id FROM used) RETURNING id
         ), logged AS (
           INSERT INTO audit_events (id, type, at, user_id, device_id, actor, data)
           SELECT $8, $9, $10, $11, $12, $13, $14 FROM used WHERE $8::text IS NOT NULL
           RETURNING id
         ), opened AS (
           INSERT INTO sessions (id, user_id, device_id, created_at, expires_at)
           SELECT $15, $16, $17, $18, $19 FROM used WHERE $15::text IS NOT NULL
           RETURNING id
         )
         SELECT (SELECT count(*) FROM marked) AS marked, (SELECT count(*) FROM used) AS used,
                (SELECT count(*) FROM touched) AS touched, (SELECT count(*) FROM logged) AS logged, (SELECT count(*) FROM opened) AS opened`,
        [
          a.ceremony?.marker ?? null,
          a.ceremony?.expiresAt ?? null,
          a.credentialId,
          a.deviceId,
          a.newCounter,
          a.backedUp,
          a.usedAt,
          ...auditEventParams(e),
          s?.id ?? null,
          s?.userId ?? null,
          s?.deviceId ?? null,
          s?.createdAt ?? null,
          s?.expiresAt ?? null,
        ],
      );
      if (a.ceremony && Number(rows[0]?.marked) !== 1) return 'ceremony_used';
      return Number(rows[0]?.used) === 1 ? 'recorded' : 'refused';
    },
  };
}

const toPasskey = (r: Row): PasskeyRecord => ({
  credentialId: String(r.credential_id),
  deviceId: String(r.device_id),
  userId: String(r.user_id),
  publicKey: new Uint8Array(r.public_key as Uint8Array),
  counter: Number(r.counter),
  transports: json<string[]>(r.transports),
  aaguid: String(r.aaguid),
  backupEligible: Boolean(r.backup_eligible),
  backedUp: Boolean(r.backed_up),
});
