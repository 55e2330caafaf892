import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import {
  StoreConflictError,
  type ApiKeyRecord,
  type AuditEventRecord,
  type CeremonyRecord,
  type CodeRecord,
  type CodeType,
  type RateLimiter,
  type DeviceRecord,
  type PasskeyRecord,
  type PasskeyUse,
  type PinRecord,
  type FaceTemplateRecord,
  type RecoveryFlowChange,
  type RecoveryFlowRecord,
  type RecoveryStep,
  type TransactionRecord,
  type SigningKeyRecord,
  type Store,
  type UserRecord,
} from '../store.js';
import type { SqlExecutor } from './executor.js';

type Row = Record<string, unknown>;

/** The {@link Store} over any {@link SqlExecutor}: the one implementation of the SQL. */
export class SqlStore implements Store {
  constructor(private readonly db: SqlExecutor) {}

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn(this);
    return this.db.transaction((tx) => fn(new SqlStore(tx)));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async run(sql: string, params: unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    try {
      return await this.db.query<Row>(sql, params);
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === '23505') throw new StoreConflictError(e.constraint ?? 'unique', { cause: error });
      throw error;
    }
  }

  // users
  async insertUser(u: UserRecord): Promise<void> {
    await this.run('INSERT INTO users (id, username, display_name, created_at) VALUES ($1, $2, $3, $4)', [
      u.id,
      u.username,
      u.displayName,
      u.createdAt,
    ]);
  }
  async getUserById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.run('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }
  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.run('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  // devices
  async insertDevice(d: DeviceRecord): Promise<void> {
    await this.run(
      'INSERT INTO devices (id, user_id, type, name, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [d.id, d.userId, d.type, d.name, d.createdAt, d.lastUsedAt],
    );
  }
  async getDevice(userId: string, deviceId: string): Promise<DeviceRecord | null> {
    const { rows } = await this.run('SELECT * FROM devices WHERE user_id = $1 AND id = $2', [userId, deviceId]);
    return rows[0] ? toDevice(rows[0]) : null;
  }
  async listDevices(userId: string): Promise<DeviceRecord[]> {
    const { rows } = await this.run('SELECT * FROM devices WHERE user_id = $1 ORDER BY created_at, id', [userId]);
    return rows.map(toDevice);
  }
  async renameDevice(userId: string, deviceId: string, name: string): Promise<boolean> {
    const r = await this.run('UPDATE devices SET name = $3 WHERE user_id = $1 AND id = $2', [userId, deviceId, name]);
    return r.rowCount === 1;
  }
  async deleteDevice(userId: string, deviceId: string): Promise<boolean> {
    const r = await this.run('DELETE FROM devices WHERE user_id = $1 AND id = $2', [userId, deviceId]);
    return r.rowCount === 1;
  }
  async touchDevice(deviceId: string, at: Date): Promise<void> {
    await this.run('UPDATE devices SET last_used_at = $2 WHERE id = $1', [deviceId, at]);
  }

  // passkeys
  async insertPasskey(p: PasskeyRecord): Promise<void> {
    await this.run(
      `INSERT INTO passkeys (credential_id, device_id, user_id, public_key, counter, transports, aaguid, backup_eligible, backed_up)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        p.credentialId,
        p.deviceId,
        p.userId,
        p.publicKey,
        p.counter,
        JSON.stringify(p.transports),
        p.aaguid,
        p.backupEligible,
        p.backedUp,
      ],
    );
  }
  async getPasskeyByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const { rows } = await this.run('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
    return rows[0] ? toPasskey(rows[0]) : null;
  }
  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    const { rows } = await this.run('SELECT * FROM passkeys WHERE user_id = $1', [userId]);
    return rows.map(toPasskey);
  }
  async recordPasskeyUse(a: PasskeyUse): Promise<boolean> {
    // Data-modifying CTEs run as one statement: all three writes happen, or (counter moved) none.
    const e = a.event;
    const { rows } = await this.run(
      `WITH used AS (
         UPDATE passkeys SET counter = $3, backed_up = $4
         WHERE credential_id = $1 AND counter = $2
         RETURNING device_id
       ), touched AS (
         UPDATE devices SET last_used_at = $5 WHERE id IN (SELECT device_id FROM used) RETURNING id
       ), logged AS (
         INSERT INTO audit_events (id, type, at, user_id, device_id, actor, data)
         SELECT $6, $7, $5, $8, $9, $10, $11 FROM used WHERE $6::text IS NOT NULL
         RETURNING id
       )
       SELECT (SELECT count(*) FROM used) AS used, (SELECT count(*) FROM touched) AS touched, (SELECT count(*) FROM logged) AS logged`,
      [
        a.credentialId,
        a.expectedCounter,
        a.newCounter,
        a.backedUp,
        a.usedAt,
        e?.id ?? null,
        e?.type ?? null,
        e?.userId ?? null,
        e?.deviceId ?? null,
        e?.actor ?? null,
        e ? JSON.stringify(e.data) : null,
      ],
    );
    return Number(rows[0]?.used) === 1;
  }

  // ceremonies
  async insertCeremony(c: CeremonyRecord): Promise<void> {
    await this.run(
      'INSERT INTO ceremonies (id, kind, challenge, user_id, data, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [c.id, c.kind, c.challenge, c.userId, JSON.stringify(c.data), c.createdAt, c.expiresAt],
    );
  }
  async consumeCeremony(id: string): Promise<CeremonyRecord | null> {
    // One statement: the row lock taken by DELETE makes concurrent callers wait, and all but
    // the first then find nothing to delete.
    const { rows } = await this.run('DELETE FROM ceremonies WHERE id = $1 RETURNING *', [id]);
    return rows[0] ? toCeremony(rows[0]) : null;
  }
  async deleteExpiredCeremonies(now: Date): Promise<number> {
    return (await this.run('DELETE FROM ceremonies WHERE expires_at < $1', [now])).rowCount;
  }

  // signing keys
  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    await this.run(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [k.kid, k.alg, JSON.stringify(k.publicJwk), JSON.stringify(k.privateJwk), k.createdAt, k.retiredAt],
    );
  }
  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const { rows } = await this.run('SELECT * FROM signing_keys ORDER BY created_at DESC, kid DESC');
    return rows.map(toSigningKey);
  }
  async retireSigningKey(kid: string, at: Date): Promise<void> {
    await this.run('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [kid, at]);
  }
  async deleteSigningKey(kid: string): Promise<void> {
    await this.run('DELETE FROM signing_keys WHERE kid = $1', [kid]);
  }

  // api keys
  async insertApiKey(k: ApiKeyRecord): Promise<void> {
    await this.run('INSERT INTO api_keys (id, name, secret_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5)', [
      k.id,
      k.name,
      k.secretHash,
      JSON.stringify(k.scopes),
      k.createdAt,
    ]);
  }
  async getApiKeyBySecretHash(secretHash: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.run('SELECT * FROM api_keys WHERE secret_hash = $1', [secretHash]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }
  async deleteApiKey(id: string): Promise<boolean> {
    return (await this.run('DELETE FROM api_keys WHERE id = $1', [id])).rowCount === 1;
  }

  // codes
  async insertCode(c: CodeRecord): Promise<void> {
    await this.run(
      `INSERT INTO codes (id, user_id, purpose, type, secret_hash, hash_key_id, authorized, created_at, expires_at, used_at, invalidated_at, locked_at,
         failed_attempts, require_face)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [c.id, c.userId, c.purpose, c.type, c.secretHash, c.hashKeyId, c.authorized, c.createdAt, c.expiresAt, c.usedAt, c.invalidatedAt, c.lockedAt, c.failedAttempts, c.requireFace],
    );
  }
  async listCodes(f: { userId: string; type: CodeType; purpose: string; limit: number }): Promise<CodeRecord[]> {
    const { rows } = await this.run(
      'SELECT * FROM codes WHERE user_id = $1 AND type = $2 AND purpose = $3 ORDER BY created_at DESC, id LIMIT $4',
      [f.userId, f.type, f.purpose, f.limit],
    );
    return rows.map(toCode);
  }
  async getCode(id: string): Promise<CodeRecord | null> {
    const { rows } = await this.run('SELECT * FROM codes WHERE id = $1', [id]);
    return rows[0] ? toCode(rows[0]) : null;
  }
  async recordCodeFailure(a: { ids: string[]; maxAttempts: number; now: Date }): Promise<CodeRecord[]> {
    if (a.ids.length === 0) return [];
    const { rows } = await this.run(
      `UPDATE codes SET failed_attempts = failed_attempts + 1,
              locked_at = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE NULL END
       WHERE id = ANY($1::text[]) AND locked_at IS NULL AND used_at IS NULL AND invalidated_at IS NULL AND expires_at > $3
       RETURNING *`,
      [a.ids, a.maxAttempts, a.now],
    );
    return rows.map(toCode);
  }
  async consumeCode(id: string, now: Date): Promise<boolean> {
    const r = await this.run(
      `UPDATE codes SET used_at = $2
       WHERE id = $1 AND used_at IS NULL AND invalidated_at IS NULL AND locked_at IS NULL AND expires_at > $2`,
      [id, now],
    );
    return r.rowCount === 1;
  }
  async invalidateCodes(userId: string, now: Date): Promise<number> {
    const r = await this.run(
      'UPDATE codes SET invalidated_at = $2 WHERE user_id = $1 AND used_at IS NULL AND invalidated_at IS NULL AND expires_at > $2',
      [userId, now],
    );
    return r.rowCount;
  }

  // rate limits: rate-limiter-flexible's PostgreSQL limiter, over this store's connection, on
  // the table migration 2 creates (so PGlite and PostgreSQL share the implementation).
  rateLimiter(o: { keyPrefix: string; points: number; durationSeconds: number }): RateLimiter {
    const db = this.db;
    const limiter = new RateLimiterPostgres({
      storeClient: { query: (q: { text: string; values?: unknown[] }) => db.query(q.text, q.values ?? []) },
      storeType: 'client',
      tableName: 'twofold_rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: o.keyPrefix,
      points: o.points,
      duration: o.durationSeconds,
    });
    return {
      async consume(key) {
        try {
          const r = await limiter.consume(key);
          return { allowed: true, remaining: r.remainingPoints, retryAfterSeconds: 0 };
        } catch (error) {
          if (error instanceof RateLimiterRes) {
            return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
          }
          throw error;
        }
      },
      async reset(key) {
        await limiter.delete(key);
      },
    };
  }
  async deleteExpiredRateLimits(now: Date): Promise<number> {
    return (await this.run('DELETE FROM twofold_rate_limits WHERE expire < $1', [now.getTime()])).rowCount;
  }

  // PINs
  async getPin(userId: string): Promise<PinRecord | null> {
    const { rows } = await this.run('SELECT * FROM pins WHERE user_id = $1', [userId]);
    return rows[0] ? toPin(rows[0]) : null;
  }
  async setPin(userId: string, hash: string, now: Date): Promise<void> {
    await this.run(
      `INSERT INTO pins (user_id, hash, failed_attempts, locked_at, updated_at) VALUES ($1, $2, 0, NULL, $3)
       ON CONFLICT (user_id) DO UPDATE SET hash = $2, failed_attempts = 0, locked_at = NULL, updated_at = $3`,
      [userId, hash, now],
    );
  }
  async claimPinAttempt(userId: string, maxAttempts: number): Promise<PinRecord | null> {
    const { rows } = await this.run(
      `UPDATE pins SET failed_attempts = failed_attempts + 1
       WHERE user_id = $1 AND locked_at IS NULL AND failed_attempts < $2 RETURNING *`,
      [userId, maxAttempts],
    );
    return rows[0] ? toPin(rows[0]) : null;
  }
  async clearPinAttempts(userId: string): Promise<void> {
    await this.run('UPDATE pins SET failed_attempts = 0 WHERE user_id = $1 AND locked_at IS NULL', [userId]);
  }
  async lockPinIfExhausted(userId: string, maxAttempts: number, now: Date): Promise<boolean> {
    const r = await this.run('UPDATE pins SET locked_at = $3 WHERE user_id = $1 AND locked_at IS NULL AND failed_attempts >= $2', [
      userId,
      maxAttempts,
      now,
    ]);
    return r.rowCount === 1;
  }

  // transactions
  async insertTransaction(t: TransactionRecord): Promise<void> {
    await this.run(
      `INSERT INTO transactions (id, user_id, message, sealed_context, allow_pin, nonce, status, method, created_at, expires_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [t.id, t.userId, t.message, t.sealedContext, t.allowPin, t.nonce, t.status, t.method, t.createdAt, t.expiresAt, t.decidedAt],
    );
  }
  async getTransaction(id: string): Promise<TransactionRecord | null> {
    const { rows } = await this.run('SELECT * FROM transactions WHERE id = $1', [id]);
    return rows[0] ? toTransaction(rows[0]) : null;
  }
  async decideTransaction(a: { id: string; status: 'approved' | 'denied'; method: string | null; now: Date }) {
    // The sub-select locks the row and keeps the old context for RETURNING while the update
    // erases it: one statement, so only one caller can ever see it.
    const { rows } = await this.run(
      `UPDATE transactions t SET status = $2, method = $3, decided_at = $4, sealed_context = NULL
       FROM (SELECT id, sealed_context FROM transactions WHERE id = $1 FOR UPDATE) old
       WHERE t.id = old.id AND t.status = 'pending' AND t.expires_at > $4
       RETURNING old.sealed_context AS sealed_context`,
      [a.id, a.status, a.method, a.now],
    );
    if (!rows[0]) return null;
    return { sealedContext: rows[0].sealed_context === null ? null : String(rows[0].sealed_context) };
  }

  // face templates
  async insertFaceTemplate(f: FaceTemplateRecord): Promise<void> {
    await this.run('INSERT INTO face_templates (device_id, user_id, sealed, expires_at, used_at) VALUES ($1, $2, $3, $4, $5)', [
      f.deviceId,
      f.userId,
      f.sealed,
      f.expiresAt,
      f.usedAt,
    ]);
  }
  async listFaceTemplates(userId: string, now: Date): Promise<FaceTemplateRecord[]> {
    const { rows } = await this.run(
      `SELECT * FROM face_templates WHERE user_id = $1 AND (expires_at IS NULL OR (expires_at > $2 AND used_at IS NULL))`,
      [userId, now],
    );
    return rows.map((r) => ({
      deviceId: String(r.device_id),
      userId: String(r.user_id),
      sealed: String(r.sealed),
      expiresAt: dateOrNull(r.expires_at),
      usedAt: dateOrNull(r.used_at),
    }));
  }
  async useFaceTemplate(deviceId: string, now: Date): Promise<boolean> {
    const r = await this.run(
      `DELETE FROM devices WHERE id = (
         SELECT device_id FROM face_templates WHERE device_id = $1 AND expires_at IS NOT NULL AND expires_at > $2 AND used_at IS NULL)`,
      [deviceId, now],
    );
    return r.rowCount === 1;
  }
  async deleteExpiredFaceDevices(now: Date): Promise<number> {
    const r = await this.run('DELETE FROM devices WHERE id IN (SELECT device_id FROM face_templates WHERE expires_at <= $1)', [now]);
    return r.rowCount;
  }

  // recovery flows
  async insertRecoveryFlow(f: RecoveryFlowRecord): Promise<void> {
    await this.run(
      `INSERT INTO recovery_flows (id_hash, user_id, kind, status, step, code_id, staged_pin_hash, face_device_id, face_verified_at,
         pin_reset_at, passkey_device_id, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [f.idHash, f.userId, f.kind, f.status, f.step, f.codeId, f.stagedPinHash, f.faceDeviceId, f.faceVerifiedAt, f.pinResetAt, f.passkeyDeviceId, f.createdAt, f.updatedAt, f.expiresAt],
    );
  }
  async getRecoveryFlow(idHash: string): Promise<RecoveryFlowRecord | null> {
    const { rows } = await this.run('SELECT * FROM recovery_flows WHERE id_hash = $1', [idHash]);
    return rows[0] ? toRecoveryFlow(rows[0]) : null;
  }
  async advanceRecoveryFlow(a: { idHash: string; from: RecoveryStep[]; set: RecoveryFlowChange; now: Date }): Promise<RecoveryFlowRecord | null> {
    const params: unknown[] = [a.idHash, a.from, a.now];
    const sets = ['updated_at = $3'];
    for (const [key, column] of Object.entries(FLOW_COLUMNS)) {
      const v = a.set[key as keyof RecoveryFlowChange];
      if (v === undefined) continue;
      params.push(v);
      sets.push(`${column} = $${params.length}`);
    }
    const { rows } = await this.run(
      `UPDATE recovery_flows SET ${sets.join(', ')}
       WHERE id_hash = $1 AND status = 'open' AND step = ANY($2::text[]) AND expires_at > $3 RETURNING *`,
      params,
    );
    return rows[0] ? toRecoveryFlow(rows[0]) : null;
  }
  async listRecoveryFlows(userId: string, limit: number): Promise<RecoveryFlowRecord[]> {
    const { rows } = await this.run('SELECT * FROM recovery_flows WHERE user_id = $1 ORDER BY created_at DESC, id_hash LIMIT $2', [userId, limit]);
    return rows.map(toRecoveryFlow);
  }
  async abandonRecoveryFlows(userId: string, now: Date): Promise<number> {
    const r = await this.run(
      `UPDATE recovery_flows SET status = 'abandoned', staged_pin_hash = NULL, updated_at = $2
       WHERE user_id = $1 AND status = 'open' AND expires_at > $2`,
      [userId, now],
    );
    return r.rowCount;
  }

  // audit
  async insertAuditEvent(e: AuditEventRecord): Promise<void> {
    await this.run(
      'INSERT INTO audit_events (id, type, at, user_id, device_id, actor, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.id, e.type, e.at, e.userId, e.deviceId, e.actor, JSON.stringify(e.data)],
    );
  }
  async listAuditEvents(filter: { userId?: string; limit?: number }): Promise<AuditEventRecord[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const { rows } =
      filter.userId === undefined
        ? await this.run('SELECT * FROM audit_events ORDER BY seq DESC LIMIT $1', [limit])
        : await this.run('SELECT * FROM audit_events WHERE user_id = $1 ORDER BY seq DESC LIMIT $2', [
            filter.userId,
            limit,
          ]);
    return rows.map(toAuditEvent);
  }
}

// Row mappers: drivers differ (pg gives Buffer for bytea and strings for bigint; PGlite gives
// Uint8Array), so every value is normalised here.
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const stringOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const toUser = (r: Row): UserRecord => ({
  id: String(r.id),
  username: String(r.username),
  displayName: String(r.display_name),
  createdAt: date(r.created_at),
});
const toDevice = (r: Row): DeviceRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  type: r.type as DeviceRecord['type'],
  name: String(r.name),
  createdAt: date(r.created_at),
  lastUsedAt: dateOrNull(r.last_used_at),
});
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
const toCeremony = (r: Row): CeremonyRecord => ({
  id: String(r.id),
  kind: r.kind as CeremonyRecord['kind'],
  challenge: String(r.challenge),
  userId: stringOrNull(r.user_id),
  data: json<Record<string, unknown>>(r.data),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
});
const toSigningKey = (r: Row): SigningKeyRecord => ({
  kid: String(r.kid),
  alg: 'ES256',
  publicJwk: json<Record<string, unknown>>(r.public_jwk),
  privateJwk: json<Record<string, unknown>>(r.private_jwk),
  createdAt: date(r.created_at),
  retiredAt: dateOrNull(r.retired_at),
});
const toApiKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  name: String(r.name),
  secretHash: String(r.secret_hash),
  scopes: json<string[]>(r.scopes),
  createdAt: date(r.created_at),
});
const toCode = (r: Row): CodeRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  purpose: String(r.purpose),
  type: r.type as CodeType,
  secretHash: String(r.secret_hash),
  hashKeyId: String(r.hash_key_id),
  authorized: Boolean(r.authorized),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  usedAt: dateOrNull(r.used_at),
  invalidatedAt: dateOrNull(r.invalidated_at),
  lockedAt: dateOrNull(r.locked_at),
  failedAttempts: Number(r.failed_attempts),
  requireFace: Boolean(r.require_face),
});
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
const toPin = (r: Row): PinRecord => ({
  userId: String(r.user_id),
  hash: String(r.hash),
  failedAttempts: Number(r.failed_attempts),
  lockedAt: dateOrNull(r.locked_at),
  updatedAt: date(r.updated_at),
});
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
const toAuditEvent = (r: Row): AuditEventRecord => ({
  id: String(r.id),
  type: String(r.type),
  at: date(r.at),
  userId: stringOrNull(r.user_id),
  deviceId: stringOrNull(r.device_id),
  actor: String(r.actor),
  data: json<Record<string, unknown>>(r.data),
});
