import { date, dateOrNull, json, type Query, type Row, insertRecord, deleteBatchBefore } from '../db/query.js';
import type { SessionRecord, SessionsStore, SigningKeyRecord, SigningKeysStore } from './store.js';

export function signingKeysSql(q: Query): SigningKeysStore {
  return {
    async insertSigningKey(k) {
      await q(INSERT_KEY, keyParams(k));
    },
    async insertFirstSigningKey(k) {
      // The partial unique index (migration 6) admits one active key; a racing insert does nothing.
      return (await q(`${INSERT_KEY} ON CONFLICT DO NOTHING`, keyParams(k))).rowCount === 1;
    },
    async listSigningKeys() {
      const { rows } = await q('SELECT * FROM signing_keys ORDER BY created_at DESC, kid DESC');
      return rows.map(toSigningKey);
    },
    async retireSigningKey(kid, at) {
      await q('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [kid, at]);
    },
    async deleteSigningKey(kid) {
      await q('DELETE FROM signing_keys WHERE kid = $1', [kid]);
    },
  };
}

const INSERT_KEY = 'INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)';
const keyParams = (k: SigningKeyRecord) => [
  k.kid,
  k.alg,
  JSON.stringify(k.publicJwk),
  JSON.stringify(k.privateJwk),
  k.createdAt,
  k.retiredAt,
];

const toSigningKey = (r: Row): SigningKeyRecord => ({
  kid: String(r.kid),
  alg: 'ES256',
  publicJwk: json<Record<string, unknown>>(r.public_jwk),
  privateJwk: json<Record<string, unknown>>(r.private_jwk),
  createdAt: date(r.created_at),
  retiredAt: dateOrNull(r.retired_at),
});

/** The sessions slice over SQL (table `sessions`, migration 8). */
export function sessionsSql(q: Query): SessionsStore {
  return {
    async insertSession(s) {
      await insertRecord(q, 'sessions', s);
    },
    async getSession(id) {
      const { rows } = await q('SELECT * FROM sessions WHERE id = $1', [id]);
      return rows[0] ? toSession(rows[0]) : null;
    },
    async extendSession(id, userId, expiresAt) {
      const r = await q('UPDATE sessions SET expires_at = GREATEST(expires_at, $3) WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [
        id,
        userId,
        expiresAt,
      ]);
      return r.rowCount === 1;
    },
    async revokeSessions({ userId, id, deviceId, exceptId, at }) {
      const r = await q(
        `UPDATE sessions SET revoked_at = $2
         WHERE user_id = $1 AND revoked_at IS NULL
           AND ($3::text IS NULL OR id = $3) AND ($4::text IS NULL OR device_id = $4) AND ($5::text IS NULL OR id <> $5)`,
        [userId, at, id ?? null, deviceId ?? null, exceptId ?? null],
      );
      return r.rowCount;
    },
    async deleteExpiredSessions(before, limit) {
      return deleteBatchBefore(q, 'sessions', before, limit);
    },
  };
}

const toSession = (r: Row): SessionRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  deviceId: r.device_id == null ? null : String(r.device_id),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  revokedAt: dateOrNull(r.revoked_at),
});
