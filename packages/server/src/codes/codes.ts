import { actor as actors, recordEvent, type ActorOption, type AuditEvent, countWithEvent, writeWithEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/index.js';
import { completeRegistration, startRegistration } from '../webauthn/index.js';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, WithHints } from '../webauthn/index.js';
import type { CeremonyResult } from '@twofold/protocol';
import type { Store } from '../store.js';
import type { UserRecord } from '../users/store.js';
import type { CodeRecord, CodeType } from './store.js';
import type { CodePurpose } from './settings.js';
import type { GenerateCodeResponse } from '@twofold/protocol';
import { consumeCeremony } from '../ceremonies/index.js';
import { enforceLimits } from '../ratelimits/index.js';
import { randomId } from '../util/encoding.js';
import { constantTimeEqual } from '../util/compare.js';
import { hashCode, newCode, normalizeCode } from './secret.js';

export { DEFAULT_CODE_SETTINGS, type CodePurpose, type CodeSettings } from './settings.js';

const RECENT_CODES = 20;

export interface GenerateCodeOptions extends ActorOption {
  userId: string;
  type: CodeType;
  /** Default `add_credential` (the only purpose today). */
  purpose?: CodePurpose;
  /** Lifetime; default per type (see {@link CodeSettings.ttlSeconds}), 30 s to `maxTtlSeconds`. */
  ttlSeconds?: number;
  /** Only a `new_device` recovery flow (with a face check) may redeem it. */
  requireFace?: boolean;
}

export interface InvalidateCodesOptions extends ActorOption {
  userId: string;
}

/** A code as the user typed or clicked it. */
export interface CheckCodeOptions {
  userId: string;
  code: string;
  type: CodeType;
  /** The caller's IP address, for the per-address limit. */
  clientAddress?: string | undefined;
}

export type StartAddPasskeyWithCodeOptions = CheckCodeOptions & WithHints;

export interface VerifyAddPasskeyWithCodeOptions {
  ceremonyId: string;
  response: RegistrationResponseJSON;
  /** Device name; default: guessed from `userAgent`. */
  name?: string;
  userAgent?: string | null;
}

/**
 * Generates a pre-authorized code for `userId`. Only its keyed hash is stored. With
 * `requireFace`, the code-only route refuses it (`FACE_REQUIRED`): it works only in a
 * `new_device` recovery flow, together with a face check.
 * Throws `USER_NOT_FOUND`, `INVALID_REQUEST` (ttl out of range).
 */
export async function generateCode(ctx: TwofoldContext, options: GenerateCodeOptions): Promise<GenerateCodeResponse> {
  const settings = ctx.codes;
  const purpose = options.purpose ?? 'add_credential';
  const ttl = options.ttlSeconds ?? settings.ttlSeconds[options.type];
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > settings.maxTtlSeconds) {
    throw new TwofoldError('INVALID_REQUEST', `ttlSeconds must be an integer from 30 to ${settings.maxTtlSeconds}.`);
  }
  await requireUser(ctx, options.userId);
  const code = newCode(options.type);
  const { keyId, hash } = await hashCode(ctx.keyring, { purpose, type: options.type, userId: options.userId, code });
  const now = ctx.now();
  const record: CodeRecord = {
    id: randomId(12),
    userId: options.userId,
    purpose,
    type: options.type,
    secretHash: hash,
    hashKeyId: keyId,
    authorized: true,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl * 1000),
    usedAt: null,
    invalidatedAt: null,
    lockedAt: null,
    failedAttempts: 0,
    requireFace: options.requireFace ?? false,
  };
  await writeWithEvent(ctx, (tx) => tx.insertCode(record), {
    type: 'code.generated',
    userId: options.userId,
    actor: options.actor ?? actors.system,
    data: {
      codeId: record.id,
      type: record.type,
      purpose: record.purpose,
      expiresAt: record.expiresAt.toISOString(),
      requireFace: record.requireFace,
    },
  });
  const link =
    options.type === 'link' && settings.linkTemplate
      ? settings.linkTemplate.replaceAll('{code}', encodeURIComponent(code)).replaceAll('{userId}', encodeURIComponent(options.userId))
      : undefined;
  return {
    code,
    expiresAt: record.expiresAt.toISOString(),
    isAuthorized: true,
    ...(link && { link }),
    ...(record.requireFace && { requireFace: true }),
  };
}

/** Invalidates every live code of the user. Throws `USER_NOT_FOUND`. */
export async function invalidateCodes(ctx: TwofoldContext, options: InvalidateCodesOptions): Promise<{ invalidated: number }> {
  await requireUser(ctx, options.userId);
  return countWithEvent(ctx, 'codes.invalidated', options, 'invalidated', (tx) => tx.invalidateCodes(options.userId, ctx.now()));
}

/**
 * Checks a code for `userId` without consuming it: rate limits first, then the keyed-hash match.
 * Shared by the code-only route and `new_device` recovery flows, which consume the code only when
 * the passkey is bound.
 *
 * Wrong guesses never lock or burn a code, so a stranger who knows a user id cannot take the
 * user's codes away (issue 13). `long` and `link` codes (128 bits) are limited per client address
 * only. `short` codes (8 digits) are limited per (user, address) and by a per-user ceiling: past
 * it every short-code attempt for the user is refused with `RATE_LIMITED` until the window ends
 * (it backs off), and the user's audit trail shows `code.throttled`; each wrong guess is a
 * `code.wrong` event. Answers do not tell whether the user exists: an unknown user and a wrong code
 * both get `CODE_INVALID`. Only the right code reveals its state (`CODE_EXPIRED`, `CODE_USED`,
 * `CODE_LOCKED` for a code locked before this rule).
 */
export async function checkCode(ctx: TwofoldContext, options: CheckCodeOptions): Promise<{ user: UserRecord; code: CodeRecord }> {
  const address = options.clientAddress;
  await enforceLimits([[ctx.limiters.codeAddress, address]]);
  if (options.type === 'short') {
    await enforceLimits([[ctx.limiters.codeUserAddress, `${options.userId}|${address ?? 'unknown'}`]]);
    const ceiling = await ctx.limiters.codeUser.consume(options.userId);
    if (!ceiling.allowed || ceiling.remaining === 0) {
      // The attempt that reaches the ceiling is told so, and the trail says it once per window.
      if (ceiling.allowed && (await ctx.store.getUserById(options.userId))) {
        ctx.notify([
          await recordEvent(ctx, ctx.store, {
            type: 'code.throttled',
            userId: options.userId,
            actor: actors.system,
            data: { type: 'short', retryAfterSeconds: ceiling.retryAfterSeconds },
          }),
        ]);
      }
      if (!ceiling.allowed) {
        throw new TwofoldError(
          'RATE_LIMITED',
          `Too many short-code attempts for this account; try again in ${ceiling.retryAfterSeconds} s.`,
          {
            retryAfterSeconds: ceiling.retryAfterSeconds,
          },
        );
      }
    }
  }
  const code = normalizeCode(options.type, options.code);
  const purpose: CodePurpose = 'add_credential';
  const user = await ctx.store.getUserById(options.userId);
  const candidates = user ? await ctx.store.listCodes({ userId: user.id, type: options.type, purpose, limit: RECENT_CODES }) : [];
  const match = await findMatch(ctx, candidates, { purpose, type: options.type, userId: options.userId, code });
  const now = ctx.now();

  if (!user || !match) {
    if (user)
      ctx.notify([
        await recordEvent(ctx, ctx.store, { type: 'code.wrong', userId: user.id, actor: actors.system, data: { type: options.type } }),
      ]);
    throw new TwofoldError('CODE_INVALID', 'That code is not valid.');
  }
  if (match.invalidatedAt) throw new TwofoldError('CODE_INVALID', 'That code is not valid.');
  if (match.usedAt) throw new TwofoldError('CODE_USED', 'That code has been used already.');
  if (match.lockedAt) throw new TwofoldError('CODE_LOCKED', 'That code is locked after too many wrong attempts; ask for a new one.');
  if (match.expiresAt.getTime() <= now.getTime()) throw new TwofoldError('CODE_EXPIRED', 'That code has expired; ask for a new one.');
  return { user, code: match };
}

/**
 * Checks a code and starts registering a new passkey for its user (account recovery on a new
 * device). The code is consumed only when the passkey is created, atomically, so of many
 * concurrent redemptions exactly one adds a passkey. A code generated with `requireFace` is
 * refused here (`FACE_REQUIRED`). Throws what {@link checkCode} throws.
 */
export async function startAddPasskeyWithCode(
  ctx: TwofoldContext,
  options: StartAddPasskeyWithCodeOptions,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { user, code } = await checkCode(ctx, options);
  if (code.requireFace)
    throw new TwofoldError('FACE_REQUIRED', 'This code works only together with a face check (a new-device recovery flow).');
  return startRegistration(ctx, user, false, { via: 'code', codeId: code.id }, { ...(options.hints && { hints: options.hints }) });
}

/**
 * Consumes a checked code inside a transaction, or throws why it can no longer be used
 * (`CODE_USED`, `CODE_LOCKED`, `CODE_EXPIRED`, `CODE_INVALID`): it may have changed state since
 * it was checked. Records `code.redeemed`.
 */
export async function redeemCode(
  ctx: TwofoldContext,
  tx: Store,
  args: { codeId: string; userId: string; deviceId: string },
): Promise<AuditEvent> {
  const now = ctx.now();
  if (!(await tx.consumeCode(args.codeId, now))) {
    const code = await tx.getCode(args.codeId);
    if (code?.usedAt) throw new TwofoldError('CODE_USED', 'That code has been used already.');
    if (code?.lockedAt) throw new TwofoldError('CODE_LOCKED', 'That code is locked after too many wrong attempts.');
    if (code && code.expiresAt.getTime() <= now.getTime()) throw new TwofoldError('CODE_EXPIRED', 'That code has expired.');
    throw new TwofoldError('CODE_INVALID', 'That code is not valid.');
  }
  return recordEvent(ctx, tx, {
    type: 'code.redeemed',
    userId: args.userId,
    deviceId: args.deviceId,
    actor: actors.user(args.userId),
    data: { codeId: args.codeId },
  });
}

/**
 * Completes adding a passkey with a code: verifies the attestation, then in one transaction
 * consumes the code and creates the device and passkey. The token's `amr` is `["code"]`.
 * Throws the ceremony and registration errors, and `CODE_USED` / `CODE_EXPIRED` /
 * `CODE_LOCKED` / `CODE_INVALID` if the code changed state since the ceremony began.
 */
export async function verifyAddPasskeyWithCode(ctx: TwofoldContext, options: VerifyAddPasskeyWithCodeOptions): Promise<CeremonyResult> {
  const ceremony = await consumeCeremony(ctx, options.ceremonyId, 'registration');
  const data = ceremony.data as { via?: string; codeId?: string };
  if (data.via !== 'code' || !data.codeId || !ceremony.userId) {
    throw new TwofoldError('CEREMONY_MISMATCH', 'This ceremony was not started with a code.');
  }
  const codeId = data.codeId;
  const userId = ceremony.userId;
  const result = await completeRegistration(ctx, {
    ceremony: { ...ceremony, userId },
    response: options.response,
    ...(options.name !== undefined && { name: options.name }),
    userAgent: options.userAgent ?? null,
    amr: ['code'],
    extraEvents: async (tx, deviceId) => [await redeemCode(ctx, tx, { codeId, userId, deviceId })],
  });
  await ctx.limiters.codeUser.reset(userId);
  return result;
}

async function findMatch(
  ctx: TwofoldContext,
  candidates: CodeRecord[],
  input: { purpose: string; type: CodeType; userId: string; code: string },
): Promise<CodeRecord | undefined> {
  let found: CodeRecord | undefined;
  // Every candidate is hashed and compared, match or not, so timing does not tell which matched.
  for (const candidate of candidates) {
    let hash: string;
    try {
      hash = (await hashCode(ctx.keyring, input, candidate.hashKeyId)).hash;
    } catch {
      continue; // hashed with a secret key that has since been removed
    }
    if (constantTimeEqual(hash, candidate.secretHash) && !found) found = candidate;
  }
  return found;
}
