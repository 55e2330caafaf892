import { date, type Query, type Row, insertRecord } from '../db/query.js';
import type { UserRecord, UsersStore } from './store.js';

export function usersSql(q: Query): UsersStore {
  return {
    async insertUser(u) {
      await insertRecord(q, 'users', u);
    },
    async getUserById(id) {
      const { rows } = await q('SELECT * FROM users WHERE id = $1', [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async getUserByUsername(username) {
      const { rows } = await q('SELECT * FROM users WHERE username = $1', [username]);
      return rows[0] ? toUser(rows[0]) : null;
    },
  };
}

const toUser = (r: Row): UserRecord => ({
  id: String(r.id),
  username: String(r.username),
  displayName: String(r.display_name),
  createdAt: date(r.created_at),
});
