import { actor, recordEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { sessionsRoutes } from './routes.js';
import { revokeSessions, signOut } from './sessions.js';
import { sessionsSql, signingKeysSql } from './sql.js';
import type { IssueTokenOptions, VerifyTokenOptions } from './tokens.js';

/** Sessions: server-side sessions and their tokens (ES256 JWTs), the signing keys and the JWKS. */
export const sessionsModule = defineModule({
  name: 'sessions',
  migrations,
  sql: (q) => ({ ...signingKeysSql(q), ...sessionsSql(q) }),
  routes: sessionsRoutes,
  verbs: {
    tokens: {
      /** Issues a session token (e.g. after the host's own first factor). */
      issue: (ctx: TwofoldContext, o: IssueTokenOptions) => ctx.tokens.issue(o),
      /** Verifies a session token and that its session is live (not signed out or revoked); throws `INVALID_TOKEN`. */
      verify: (ctx: TwofoldContext, o: VerifyTokenOptions) => ctx.tokens.verify(o.token),
      /** The public keys that verify session tokens (RFC 7517 JWK Set). */
      jwks: (ctx: TwofoldContext) => ctx.tokens.jwks(),
      /** Rotates the signing key; the old key keeps verifying for the grace period. */
      rotateSigningKey: async (ctx: TwofoldContext) => {
        const kid = await ctx.tokens.rotate();
        ctx.notify([await recordEvent(ctx, ctx.store, { type: 'signing_key.rotated', actor: actor.system, data: { kid } })]);
        return kid;
      },
      /** Deletes retired signing keys past their grace period. @returns their ids. */
      pruneSigningKeys: (ctx: TwofoldContext) => ctx.tokens.prune(),
      /** Creates the first signing key if needed and checks the active one opens. */
      ready: (ctx: TwofoldContext) => ctx.tokens.ready(),
    },
    /** Server-side sessions: every token belongs to one (claim `sid`), checked on every request. */
    sessions: {
      /** Signs out: revokes the session of a verified token. */
      signOut,
      /** "Sign out everywhere": revokes every live session of a user (but `exceptSessionId`). */
      revokeAll: revokeSessions,
    },
  },
});
