import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { TwofoldError } from '../errors.js';
import type { Keyring } from '../sealing/keyring.js';
import type { Store } from '../store.js';
import type { SessionRecord, SigningKeyRecord } from './store.js';
import { randomId } from '../util/encoding.js';

import type { AuthMethod } from '@twofold/protocol';

/** Authentication methods that can appear in a session token's `amr` claim. */
export type { AuthMethod } from '@twofold/protocol';

export interface SessionClaims {
  userId: string;
  amr: AuthMethod[];
  /** When the token was issued (its `iat`). Not when each factor was performed: see `authTimes`. */
  authTime: Date;
  /** When the user performed each factor in `amr` (claim `auth_times`, epoch seconds per method). */
  authTimes: Partial<Record<AuthMethod, Date>>;
  /** Set on the token a recovery flow's bind step issues (claim `recovered_at`): when it completed. */
  recoveredAt?: Date;
  expiresAt: Date;
  tokenId: string;
  /** The server-side session this token belongs to (claim `sid`); revoking it ends the token. */
  sessionId: string;
}

export interface TokenServiceOptions {
  store: Store;
  now: () => Date;
  /** `iss` claim. */
  issuer: string;
  /** `aud` claim. Default `twofold`. */
  audience?: string;
  /** Session token lifetime. Default 900 s. */
  ttlSeconds?: number;
  /** How long a retired key keeps verifying tokens before it can be pruned. Default 1 day. */
  retiredKeyGraceSeconds?: number;
  /**
   * Seals private signing keys at rest (AES-256-GCM), so a database dump cannot mint tokens.
   * Without it they are stored as plain JWKs.
   */
  keyring?: Keyring;
  /**
   * How long (instance clock) one process trusts its last look at a session before it reads the
   * store again: a revocation made by another process takes effect there within this time (at
   * once in the process that made it). Default 5 s; 0 reads the store on every request.
   */
  sessionCacheSeconds?: number;
  /** Sessions remembered per process for that cache (oldest forgotten first). Default 10,000. */
  sessionCacheSize?: number;
}

export type TokenService = ReturnType<typeof createTokenService>;

export interface IssueTokenOptions {
  userId: string;
  /** How the user authenticated; never claim a factor they did not perform. */
  amr: AuthMethod[];
  /**
   * When each factor was performed. Default: every factor in `amr` now. A token that only carries
   * an older session forward (e.g. after adding a passkey) passes that session's times.
   */
  authTimes?: Partial<Record<AuthMethod, Date>>;
  /** For the token of a recovery flow's bind step: when the flow completed (counts as a step-up). */
  recoveredAt?: Date;
  /** The device that signed in (a passkey or face device): removing that device revokes the session. */
  deviceId?: string | null;
  /**
   * Carry an existing session forward instead of starting one (adding a passkey with a session):
   * the new token shares its `sid`, so it ends with it. Throws `INVALID_TOKEN` when that session
   * was revoked meanwhile.
   */
  sessionId?: string;
}

/** A signed token and the session row it needs; see `TokenService.mint`. */
export interface MintedToken {
  token: string;
  /** Insert this (a new session) or extend it (`carried`) before handing the token out. */
  session: SessionRecord;
  carried: boolean;
}

export interface VerifyTokenOptions {
  /** The compact JWS a client presented (without `Bearer `). */
  token: string;
}

const ALG = 'ES256';
// Keys other processes may have added (rotation) are picked up after this long.
const KEY_CACHE_MS = 60_000;

/** How recent a passkey authentication (or a recovery flow's bind step) must be for a credential change. */
const STEP_UP_SECONDS = 300;

/**
 * The step-up rule for credential changes (adding a passkey, removing a device, replacing the
 * PIN, enrolling a face): the session must carry a passkey authentication at most
 * {@link STEP_UP_SECONDS} old, or come from a recovery flow's bind step that recent. A PIN, face
 * or code alone never suffices. Throws `REAUTHENTICATION_REQUIRED`.
 */
export function requireStepUp(session: SessionClaims, now: Date, action: string): void {
  const fresh = (at: Date | undefined) => at !== undefined && (now.getTime() - at.getTime()) / 1000 <= STEP_UP_SECONDS;
  if (fresh(session.authTimes.passkey) || fresh(session.recoveredAt)) return;
  throw new TwofoldError('REAUTHENTICATION_REQUIRED', `${action} needs a passkey sign-in from the last ${STEP_UP_SECONDS / 60} minutes.`, {
    requiredMethod: 'passkey',
    maxAgeSeconds: STEP_UP_SECONDS,
  });
}

/**
 * Session tokens: short-lived ES256 JWTs (`jose`) with `sub`, `amr`, `iat`, `exp`, `jti`.
 * Signing keys live in the store, so every server process signs and verifies with the same set,
 * and a rotation in one process reaches the others within a minute.
 */
export function createTokenService(options: TokenServiceOptions) {
  const { store, now, issuer, keyring } = options;
  const audience = options.audience ?? 'twofold';
  const ttlSeconds = options.ttlSeconds ?? 900;
  const graceSeconds = options.retiredKeyGraceSeconds ?? 86_400;
  const sessionCacheMs = (options.sessionCacheSeconds ?? 5) * 1000;
  const sessionCacheSize = options.sessionCacheSize ?? 10_000;
  if (!(sessionCacheMs >= 0) || !(sessionCacheSize >= 1))
    throw new TypeError('createTokenService: sessionCacheSeconds must be ≥ 0 and sessionCacheSize ≥ 1');
  // Per instance (never a module global): session id → what the store said, until when.
  const sessions = new Map<string, { live: boolean; userId: string | null; until: number }>();
  // Counts forget() calls: a store read that a revocation overtook (read before it, answered
  // after it) must not be cached, or this process would honour the revoked session again.
  let forgets = 0;

  /** Whether `sid` names a live (unrevoked) session of `userId`, from the cache or the store. */
  async function sessionIsLive(sid: string, userId: string): Promise<boolean> {
    const at = now().getTime();
    let seen = sessions.get(sid);
    if (!seen || !(at < seen.until)) {
      const before = forgets;
      const row = await store.getSession(sid);
      seen = { live: row !== null && row.revokedAt === null, userId: row?.userId ?? null, until: at + sessionCacheMs };
      sessions.delete(sid); // re-insert: the Map's order is the eviction order
      if (sessionCacheMs > 0 && forgets === before) {
        sessions.set(sid, seen);
        while (sessions.size > sessionCacheSize) sessions.delete(sessions.keys().next().value!);
      }
    }
    return seen.live && seen.userId === userId;
  }

  let cache: { loadedAt: number; keys: SigningKeyRecord[] } | null = null;
  let loading: Promise<SigningKeyRecord[]> | null = null;
  const imported = new Map<string, CryptoKey>();

  async function loadKeys(force = false): Promise<SigningKeyRecord[]> {
    if (!force && cache && Date.now() - cache.loadedAt < KEY_CACHE_MS) return cache.keys;
    loading ??= (async () => {
      try {
        let keys = await store.listSigningKeys();
        if (!keys.some((k) => k.retiredAt === null)) {
          // Several servers may start at once: one inserts, every one then reads the same key.
          await store.insertFirstSigningKey(await newKey(now(), keyring));
          keys = await store.listSigningKeys();
        }
        cache = { loadedAt: Date.now(), keys };
        return keys;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  async function cryptoKey(record: SigningKeyRecord, use: 'public' | 'private'): Promise<CryptoKey> {
    const id = `${record.kid}:${use}`;
    let key = imported.get(id);
    if (!key) {
      const jwk = use === 'public' ? record.publicJwk : await unsealPrivateJwk(record, keyring);
      key = (await importJWK(jwk as JWK, ALG)) as CryptoKey;
      imported.set(id, key);
    }
    return key;
  }

  const service = {
    /**
     * Loads the keys (creating the first one) and opens the active private key, so that a
     * missing or wrong secret key fails at start-up rather than at the first sign-in.
     */
    async ready(): Promise<void> {
      const keys = await loadKeys();
      await cryptoKey(keys.find((k) => k.retiredAt === null)!, 'private');
    },

    /**
     * Signs a session token for `userId` and records its session (a new one, or the carried
     * one's extended expiry), so it can be revoked. Throws `INVALID_TOKEN` when `sessionId`
     * names a revoked or unknown session.
     */
    async issue(input: IssueTokenOptions): Promise<string> {
      const minted = await service.mint(input);
      await service.record(minted);
      return minted.token;
    },

    /**
     * Signs a token without touching the store; {@link record} makes it valid. For callers that
     * sign while another write is in flight and hand the token out only if that write succeeds.
     */
    async mint(input: IssueTokenOptions): Promise<MintedToken> {
      const keys = await loadKeys();
      const active = keys.find((k) => k.retiredAt === null)!;
      const iat = Math.floor(now().getTime() / 1000);
      const times: Record<string, number> = {};
      for (const m of input.amr) {
        const at = input.authTimes ? input.authTimes[m] : now();
        if (at) times[m] = Math.floor(at.getTime() / 1000);
      }
      const createdAt = new Date(iat * 1000);
      const session: SessionRecord = {
        id: input.sessionId ?? randomId(16),
        userId: input.userId,
        deviceId: input.deviceId ?? null,
        createdAt,
        expiresAt: new Date((iat + ttlSeconds) * 1000),
        revokedAt: null,
      };
      const token = await new SignJWT({
        sid: session.id,
        amr: input.amr,
        auth_times: times,
        ...(input.recoveredAt && { recovered_at: Math.floor(input.recoveredAt.getTime() / 1000) }),
      })
        .setProtectedHeader({ alg: ALG, kid: active.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(input.userId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomId(12))
        .sign(await cryptoKey(active, 'private'));
      return { token, session, carried: input.sessionId !== undefined };
    },

    /** Records a minted token's session: inserts a new one, or extends the carried one (guarded). */
    async record(minted: MintedToken): Promise<void> {
      const { session } = minted;
      if (!minted.carried) return store.insertSession(session);
      if (!(await store.extendSession(session.id, session.userId, session.expiresAt))) {
        sessions.delete(session.id);
        throw new TwofoldError('INVALID_TOKEN', 'This session was signed out.');
      }
    },

    /**
     * Revokes sessions of `userId`: one (`sessionId`), those a device signed in (`deviceId`), or
     * all (but `exceptSessionId`). Takes effect at once in this process, and in others within
     * `sessionCacheSeconds`. Pass `store` to revoke inside a transaction. @returns how many.
     */
    async revoke(
      filter: { userId: string; sessionId?: string; deviceId?: string; exceptSessionId?: string },
      tx: Store = store,
    ): Promise<number> {
      const count = await tx.revokeSessions({
        userId: filter.userId,
        ...(filter.sessionId !== undefined && { id: filter.sessionId }),
        ...(filter.deviceId !== undefined && { deviceId: filter.deviceId }),
        ...(filter.exceptSessionId !== undefined && { exceptId: filter.exceptSessionId }),
        at: now(),
      });
      service.forget(filter.userId);
      return count;
    },

    /** Drops this process's cached view of `userId`'s sessions (after a revocation, also one made in a transaction). */
    forget(userId: string): void {
      forgets++;
      for (const [sid, seen] of sessions) if (seen.userId === userId) sessions.delete(sid);
    },

    /**
     * Verifies signature, issuer, audience and expiry, then that its session (`sid`) is live:
     * not signed out, nor revoked by a device removal, "sign out everywhere" or a credential
     * reset (see `sessionCacheSeconds`). Throws `INVALID_TOKEN`.
     */
    async verify(token: string): Promise<SessionClaims> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(
          token,
          async (header) => {
            let keys = await loadKeys();
            let record = keys.find((k) => k.kid === header.kid);
            if (!record && cache && Date.now() - cache.loadedAt > 5_000) {
              // Possibly rotated by another process; refresh at most every 5 s.
              keys = await loadKeys(true);
              record = keys.find((k) => k.kid === header.kid);
            }
            if (!record) throw new Error('unknown kid');
            return cryptoKey(record, 'public');
          },
          { issuer, audience, algorithms: [ALG], currentDate: now(), requiredClaims: ['sub', 'exp', 'iat'] },
        ));
      } catch (error) {
        throw new TwofoldError('INVALID_TOKEN', 'The session token is invalid or expired.', {}, { cause: error });
      }
      // Fail closed: a token without a session (older than sessions) or with a revoked one is refused.
      const sid = payload.sid;
      if (typeof sid !== 'string' || !(await sessionIsLive(sid, payload.sub!))) {
        throw new TwofoldError('INVALID_TOKEN', 'This session was signed out; sign in again.');
      }
      const amr = Array.isArray(payload.amr) ? (payload.amr as AuthMethod[]) : [];
      const claimed = (payload.auth_times ?? {}) as Record<string, unknown>;
      const authTimes: Partial<Record<AuthMethod, Date>> = {};
      for (const m of amr) {
        const at = claimed[m];
        // Only a time at or before issue counts; without one the factor gets no freshness at all.
        if (typeof at === 'number' && Number.isFinite(at) && at <= payload.iat!) authTimes[m] = new Date(at * 1000);
      }
      const recovered = payload.recovered_at;
      return {
        userId: payload.sub!,
        amr,
        authTimes,
        ...(typeof recovered === 'number' && Number.isFinite(recovered) && { recoveredAt: new Date(recovered * 1000) }),
        authTime: new Date(payload.iat! * 1000),
        expiresAt: new Date(payload.exp! * 1000),
        tokenId: String(payload.jti ?? ''),
        sessionId: sid,
      };
    },

    /** The public keys (RFC 7517 JWK Set) that verify current tokens, for `/.well-known/jwks.json`. */
    async jwks(): Promise<{ keys: JWK[] }> {
      const keys = await loadKeys();
      return { keys: keys.map((k) => ({ ...(k.publicJwk as JWK), kid: k.kid, alg: ALG, use: 'sig' })) };
    },

    /**
     * Makes a new signing key the active one. The previous key is retired: it still verifies
     * tokens (and stays in the JWKS) until {@link prune} removes it after the grace period.
     * @returns the new key id.
     */
    async rotate(): Promise<string> {
      const at = now();
      const fresh = await newKey(at, keyring);
      await store.transaction(async (tx) => {
        for (const k of await tx.listSigningKeys()) if (k.retiredAt === null) await tx.retireSigningKey(k.kid, at);
        await tx.insertSigningKey(fresh);
      });
      await loadKeys(true);
      return fresh.kid;
    },

    /** Deletes keys retired longer ago than the grace period (default one day). @returns their kids. */
    async prune(): Promise<string[]> {
      const cutoff = now().getTime() - graceSeconds * 1000;
      const old = (await store.listSigningKeys()).filter((k) => k.retiredAt && k.retiredAt.getTime() < cutoff);
      for (const k of old) await store.deleteSigningKey(k.kid);
      if (old.length) await loadKeys(true);
      return old.map((k) => k.kid);
    },

    ttlSeconds,
  };
  return service;
}

async function newKey(at: Date, keyring: Keyring | undefined): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomId(12);
  const privateJwk = { ...(await exportJWK(privateKey)) };
  return {
    kid,
    alg: ALG,
    publicJwk: { ...(await exportJWK(publicKey)) },
    privateJwk: keyring
      ? { sealed: await keyring.seal(new TextEncoder().encode(JSON.stringify(privateJwk)), sealContext(kid)) }
      : privateJwk,
    createdAt: at,
    retiredAt: null,
  };
}

// Bound into the seal: a sealed key copied onto another row does not open.
const sealContext = (kid: string) => `twofold:signing-key:${kid}`;

async function unsealPrivateJwk(record: SigningKeyRecord, keyring: Keyring | undefined): Promise<Record<string, unknown>> {
  const sealed = record.privateJwk.sealed;
  if (typeof sealed !== 'string') return record.privateJwk;
  if (!keyring)
    throw new Error(
      `signing key ${record.kid} is sealed, but no secret keys are configured: pass the keys that sealed it as the secretKeys option of createTwofold`,
    );
  return JSON.parse(new TextDecoder().decode(await keyring.open(sealed, sealContext(record.kid)))) as Record<string, unknown>;
}
