import { date, json, type Query, type Row, insertRecord } from '../db/query.js';
import type { ApiKeyRecord, ApiKeysStore } from './store.js';

export function apiKeysSql(q: Query): ApiKeysStore {
  return {
    async insertApiKey(k) {
      await insertRecord(q, 'api_keys', { ...k, scopes: JSON.stringify(k.scopes) });
    },
    async getApiKeyBySecretHash(secretHash) {
      const { rows } = await q('SELECT * FROM api_keys WHERE secret_hash = $1', [secretHash]);
      return rows[0] ? toApiKey(rows[0]) : null;
    },
    async deleteApiKey(id) {
      return (await q('DELETE FROM api_keys WHERE id = $1', [id])).rowCount === 1;
    },
  };
}

const toApiKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  name: String(r.name),
  secretHash: String(r.secret_hash),
  scopes: json<string[]>(r.scopes),
  createdAt: date(r.created_at),
});
