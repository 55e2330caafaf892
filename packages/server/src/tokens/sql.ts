import { date, dateOrNull, json, type Query, type Row } from '../storage/sql/query.js';
import type { SigningKeyRecord, SigningKeysStore } from './store.js';

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
const keyParams = (k: SigningKeyRecord) => [k.kid, k.alg, JSON.stringify(k.publicJwk), JSON.stringify(k.privateJwk), k.createdAt, k.retiredAt];

const toSigningKey = (r: Row): SigningKeyRecord => ({
  kid: String(r.kid),
  alg: 'ES256',
  publicJwk: json<Record<string, unknown>>(r.public_jwk),
  privateJwk: json<Record<string, unknown>>(r.private_jwk),
  createdAt: date(r.created_at),
  retiredAt: dateOrNull(r.retired_at),
});
