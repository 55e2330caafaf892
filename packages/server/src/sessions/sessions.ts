import { actor, recordEvent, type ActorOption } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import type { SessionClaims } from './tokens.js';

/** {@link signOut}'s options. */
export interface SignOutOptions {
  /** The verified session to end (its `sid`). */
  session: SessionClaims;
}

/** {@link revokeSessions}' options. */
export interface RevokeSessionsOptions extends ActorOption {
  userId: string;
  /** Keep this one session (e.g. the caller's own). Default: revoke every session. */
  exceptSessionId?: string;
}

/**
 * Signs out: revokes the session a token belongs to, server-side. Every token of it (including
 * ones carried forward by adding a passkey) is refused from then on — at once in this process,
 * within `sessionCacheSeconds` in others. Idempotent. Records `user.signed_out`.
 */
export async function signOut(ctx: TwofoldContext, options: SignOutOptions): Promise<void> {
  const { userId, sessionId } = options.session;
  const revoked = await ctx.tokens.revoke({ userId, sessionId });
  if (revoked === 0) return;
  ctx.notify([await recordEvent(ctx, ctx.store, { type: 'user.signed_out', userId, actor: actor.user(userId), data: {} })]);
}

/**
 * "Sign out everywhere": revokes every live session of the user (but `exceptSessionId`).
 * Records `sessions.revoked` with the count. @returns how many sessions were revoked.
 */
export async function revokeSessions(ctx: TwofoldContext, options: RevokeSessionsOptions): Promise<{ revoked: number }> {
  const revoked = await ctx.tokens.revoke({
    userId: options.userId,
    ...(options.exceptSessionId !== undefined && { exceptSessionId: options.exceptSessionId }),
  });
  if (revoked > 0) {
    ctx.notify([
      await recordEvent(ctx, ctx.store, {
        type: 'sessions.revoked',
        userId: options.userId,
        actor: options.actor ?? actor.system,
        data: { revoked },
      }),
    ]);
  }
  return { revoked };
}
