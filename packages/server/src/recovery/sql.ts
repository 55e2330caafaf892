import { date, dateOrNull, stringOrNull, type Query, type Row, insertRecord, deleteBatchBefore } from '../db/query.js';
import type { RecoveryFlowChange, RecoveryFlowRecord, RecoveryStep, RecoveryStore } from './store.js';

export function recoverySql(q: Query): RecoveryStore {
  return {
    async insertRecoveryFlow(f) {
      await insertRecord(q, 'recovery_flows', f);
    },
    async getRecoveryFlow(idHash) {
      const { rows } = await q('SELECT * FROM recovery_flows WHERE id_hash = $1', [idHash]);
      return rows[0] ? toRecoveryFlow(rows[0]) : null;
    },
    async advanceRecoveryFlow(a) {
      const params: unknown[] = [a.idHash, a.from, a.now];
      const sets = ['updated_at = $3'];
      for (const [key, column] of Object.entries(FLOW_COLUMNS)) {
        const v = a.set[key as keyof RecoveryFlowChange];
        if (v === undefined) continue;
        params.push(v);
        sets.push(`${column} = $${params.length}`);
      }
      const { rows } = await q(
        `UPDATE recovery_flows SET ${sets.join(', ')}
         WHERE id_hash = $1 AND status = 'open' AND step = ANY($2::text[]) AND expires_at > $3 RETURNING *`,
        params,
      );
      return rows[0] ? toRecoveryFlow(rows[0]) : null;
    },
    async listRecoveryFlows(userId, limit) {
      const { rows } = await q('SELECT * FROM recovery_flows WHERE user_id = $1 ORDER BY created_at DESC, id_hash LIMIT $2', [
        userId,
        limit,
      ]);
      return rows.map(toRecoveryFlow);
    },
    async abandonRecoveryFlows(userId, now) {
      const r = await q(
        `UPDATE recovery_flows SET status = 'abandoned', staged_pin_hash = NULL, updated_at = $2
         WHERE user_id = $1 AND status = 'open' AND expires_at > $2`,
        [userId, now],
      );
      return r.rowCount;
    },
    async deleteExpiredRecoveryFlows(before, limit) {
      return deleteBatchBefore(q, 'recovery_flows', before, limit, { key: 'id_hash' });
    },
  };
}

// The only columns advanceRecoveryFlow writes (never interpolate anything else into SQL).
const FLOW_COLUMNS: Record<keyof RecoveryFlowChange, string> = {
  status: 'status',
  step: 'step',
  stagedPinHash: 'staged_pin_hash',
  faceDeviceId: 'face_device_id',
  faceVerifiedAt: 'face_verified_at',
  pinResetAt: 'pin_reset_at',
  passkeyDeviceId: 'passkey_device_id',
};

const toRecoveryFlow = (r: Row): RecoveryFlowRecord => ({
  idHash: String(r.id_hash),
  userId: String(r.user_id),
  kind: r.kind as RecoveryFlowRecord['kind'],
  status: r.status as RecoveryFlowRecord['status'],
  step: r.step as RecoveryStep,
  codeId: stringOrNull(r.code_id),
  stagedPinHash: stringOrNull(r.staged_pin_hash),
  faceDeviceId: stringOrNull(r.face_device_id),
  faceVerifiedAt: dateOrNull(r.face_verified_at),
  pinResetAt: dateOrNull(r.pin_reset_at),
  passkeyDeviceId: stringOrNull(r.passkey_device_id),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
  expiresAt: date(r.expires_at),
});
