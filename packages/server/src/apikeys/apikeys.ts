import { actor, recordEvent, writeWithEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { StoreConflictError } from '../db/conflict.js';
import type { ApiKeyRecord } from './store.js';
import { randomId, sha256Base64Url } from '../util/encoding.js';

import { SCOPES, type Scope } from '@twofold/protocol';

export { SCOPES, type Scope } from '@twofold/protocol';

/** Prefix of generated secrets, so leaked keys are recognisable by secret scanners. */
export const API_KEY_PREFIX = 'tfk_';

export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
}

export interface CreateApiKeyOptions {
  /** For people reading the audit log. */
  name: string;
  scopes: readonly Scope[];
  /** Use this secret (at least 16 characters) instead of a generated one. */
  secret?: string;
}

export interface EnsureApiKeyOptions {
  name: string;
  secret: string;
}

export interface AuthenticateApiKeyOptions {
  /** The secret a caller presented. */
  secret: string;
}

export interface RemoveApiKeyOptions {
  id: string;
}

const toApiKey = (k: ApiKeyRecord): ApiKey => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes as Scope[],
  createdAt: k.createdAt.toISOString(),
});

/**
 * Creates a service API key. The secret (256 random bits unless `secret` is given) is returned
 * once and stored only as its SHA-256: a high-entropy secret needs no slow password hash.
 */
export async function createApiKey(ctx: TwofoldContext, options: CreateApiKeyOptions): Promise<{ apiKey: ApiKey; secret: string }> {
  const secret = options.secret ?? `${API_KEY_PREFIX}${randomId(32)}`;
  if (secret.length < 16) throw new TwofoldError('INVALID_REQUEST', 'An API key secret must be at least 16 characters.');
  const unknown = options.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new TwofoldError('INVALID_REQUEST', `Unknown scopes: ${unknown.join(', ')}`);
  const record: ApiKeyRecord = {
    id: randomId(9),
    name: options.name,
    secretHash: await sha256Base64Url(secret),
    scopes: [...new Set(options.scopes)],
    createdAt: ctx.now(),
  };
  await writeWithEvent(ctx, (tx) => tx.insertApiKey(record), {
    type: 'api_key.created',
    actor: actor.system,
    data: { apiKeyId: record.id, name: record.name, scopes: record.scopes },
  });
  return { apiKey: toApiKey(record), secret };
}

/**
 * Makes sure a key with exactly this secret exists (for `TWOFOLD_API_KEY`), with every scope.
 * Idempotent across restarts, and across servers starting at once: of racing inserts the unique
 * secret hash lets one win, and the others read the winner's key.
 */
export async function ensureApiKey(ctx: TwofoldContext, options: EnsureApiKeyOptions): Promise<ApiKey> {
  const hash = await sha256Base64Url(options.secret);
  const existing = await ctx.store.getApiKeyBySecretHash(hash);
  if (existing) return toApiKey(existing);
  try {
    return (await createApiKey(ctx, { name: options.name, scopes: SCOPES, secret: options.secret })).apiKey;
  } catch (error) {
    const winner = error instanceof StoreConflictError ? await ctx.store.getApiKeyBySecretHash(hash) : null;
    if (!winner) throw error;
    return toApiKey(winner);
  }
}

/** Looks a presented secret up by its hash. @returns null for an unknown secret. */
export async function authenticateApiKey(ctx: TwofoldContext, { secret }: AuthenticateApiKeyOptions): Promise<ApiKey | null> {
  const record = await ctx.store.getApiKeyBySecretHash(await sha256Base64Url(secret));
  return record ? toApiKey(record) : null;
}

/** Deletes an API key. @returns false when there was none with that id. */
export async function removeApiKey(ctx: TwofoldContext, options: RemoveApiKeyOptions): Promise<boolean> {
  const deleted = await ctx.store.deleteApiKey(options.id);
  if (deleted) {
    ctx.notify([await recordEvent(ctx, ctx.store, { type: 'api_key.deleted', actor: actor.system, data: { apiKeyId: options.id } })]);
  }
  return deleted;
}
