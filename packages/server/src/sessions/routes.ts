import { Hono } from 'hono';
import { actor } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { requireUser } from '../users/index.js';
import { revokeSessions, signOut } from './sessions.js';

/**
 * `GET /.well-known/jwks.json` (the public keys that verify session tokens) and server-side
 * sign-out: `DELETE /me/session`, `DELETE /me/sessions` (everywhere), and for a backend
 * `DELETE /users/{userId}/sessions` (scope `sessions.revoke`).
 */
export function sessionsRoutes(ctx: TwofoldContext, kit: RouteKit) {
  // Backends may cache the key set briefly. A retired key stays listed for a day, so a cache
  // never misses an old key; a new key is listed at once, and verifiers that refetch on an
  // unknown `kid` (as jose's createRemoteJWKSet does) pick it up immediately.
  return new Hono<TwofoldEnv>()
    .get('/.well-known/jwks.json', async (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json(await ctx.tokens.jwks());
    })
    .delete('/me/session', kit.session, async (c) => {
      await signOut(ctx, { session: c.var.session });
      return c.body(null, 204);
    })
    .delete('/me/sessions', kit.session, async (c) => {
      const { userId } = c.var.session;
      return c.json(await revokeSessions(ctx, { userId, actor: actor.user(userId) }));
    })
    .delete('/users/:userId/sessions', kit.scope('sessions.revoke'), async (c) => {
      const userId = (await requireUser(ctx, c.req.param('userId'))).id;
      return c.json(await revokeSessions(ctx, { userId, actor: actor.service(c.var.apiKey.id) }));
    });
}
