import { auditEventParams } from '../audit/index.js';
import { date, dateOrNull, stringOrNull, type Query, type Row, insertRecord, deleteBatchBefore } from '../db/query.js';
import type { TransactionRecord, TransactionsStore } from './store.js';

export function transactionsSql(q: Query): TransactionsStore {
  return {
    async insertTransaction(t) {
      await insertRecord(q, 'transactions', t);
    },
    async getTransaction(id) {
      const { rows } = await q('SELECT * FROM transactions WHERE id = $1', [id]);
      return rows[0] ? toTransaction(rows[0]) : null;
    },
    async decideTransaction(a) {
      // The sub-select locks the row and keeps the old context for RETURNING while the update
      // erases it: one statement, so only one caller can ever see it. The audit event is
      // inserted by the same statement, only if the update happened (data-modifying CTEs run
      // once, to completion, as one atomic statement).
      const e = a.event;
      const { rows } = await q(
        `WITH decided AS (
           UPDATE transactions t SET status = $2, method = $3, decided_at = $4, sealed_context = NULL
           FROM (SELECT id, sealed_context FROM transactions WHERE id = $1 FOR UPDATE) old
           WHERE t.id = old.id AND t.status = 'pending' AND t.expires_at > $4
           RETURNING old.sealed_context AS sealed_context
         ), logged AS (
           INSERT INTO audit_events (id, type, at, user_id, device_id, actor, data)
           SELECT $5, $6, $7, $8, $9, $10, $11 FROM decided WHERE $5::text IS NOT NULL
           RETURNING id
         )
         SELECT sealed_context, (SELECT count(*) FROM logged) AS logged FROM decided`,
        [a.id, a.status, a.method, a.now, ...auditEventParams(e)],
      );
      if (!rows[0]) return null;
      return { sealedContext: stringOrNull(rows[0].sealed_context) };
    },
    async deleteExpiredTransactions(before, limit) {
      return deleteBatchBefore(q, 'transactions', before, limit);
    },
  };
}

const toTransaction = (r: Row): TransactionRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  message: String(r.message),
  sealedContext: stringOrNull(r.sealed_context),
  allowPin: Boolean(r.allow_pin),
  nonce: String(r.nonce),
  status: r.status as TransactionRecord['status'],
  method: stringOrNull(r.method),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  decidedAt: dateOrNull(r.decided_at),
});
