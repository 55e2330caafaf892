import { API_KEY_PREFIX, authenticateApiKey, type ApiKey, type Scope } from '../apikeys/apikeys.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import type { SessionClaims } from '../tokens/tokens.js';

function bearer(req: Request): string | null {
  const header = req.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new TwofoldError('UNAUTHENTICATED', 'Use "Authorization: Bearer <credential>".');
  return match[1]!;
}

/** Service call: a valid API key holding `scope`. Throws `UNAUTHENTICATED` / `INSUFFICIENT_SCOPE`. */
export async function requireScope(ctx: TwofoldContext, req: Request, scope: Scope): Promise<ApiKey> {
  const secret = bearer(req);
  const key = secret ? await authenticateApiKey(ctx, secret) : null;
  if (!key) throw new TwofoldError('UNAUTHENTICATED', 'This route needs a service API key.');
  if (!key.scopes.includes(scope)) {
    throw new TwofoldError('INSUFFICIENT_SCOPE', `This API key lacks the "${scope}" scope.`, { requiredScope: scope });
  }
  return key;
}

/** User call: a valid session token. Throws `UNAUTHENTICATED` / `INVALID_TOKEN`. */
export async function requireSession(ctx: TwofoldContext, req: Request): Promise<SessionClaims> {
  const session = await optionalSession(ctx, req);
  if (!session) throw new TwofoldError('UNAUTHENTICATED', 'Sign in first: this route needs a session token.');
  return session;
}

/** A session if one is presented; an invalid one is an error, not "no session". */
export async function optionalSession(ctx: TwofoldContext, req: Request): Promise<SessionClaims | null> {
  const token = bearer(req);
  if (!token) return null;
  if (token.startsWith(API_KEY_PREFIX)) throw new TwofoldError('INVALID_TOKEN', 'This route takes a session token, not an API key.');
  return ctx.tokens.verify(token);
}
