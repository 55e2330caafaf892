import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { jsonProblem, pathParam } from '@twofold/protocol/schemas';
import type { z } from 'zod';
import { API_KEY_PREFIX, authenticateApiKey } from '../apikeys/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { enforceLimits } from '../ratelimits/index.js';
import type { MaybeSessionEnv, RouteKit, ServiceEnv, SessionEnv, TwofoldEnv } from '../routing.js';
import type { SessionClaims } from '../sessions/index.js';

/** Builds the middleware that module routes use (see {@link RouteKit}). */
export function createRouteKit(ctx: TwofoldContext): RouteKit {
  const readSession = async (req: Request): Promise<SessionClaims | null> => {
    const token = bearer(req);
    if (!token) return null;
    if (token.startsWith(API_KEY_PREFIX)) throw new TwofoldError('INVALID_TOKEN', 'This route takes a session token, not an API key.');
    return ctx.tokens.verify(token);
  };
  return {
    session: createMiddleware<SessionEnv>(async (c, next) => {
      const session = await readSession(c.req.raw);
      if (!session) throw new TwofoldError('UNAUTHENTICATED', 'Sign in first: this route needs a session token.');
      c.set('session', session);
      await next();
    }),
    optionalSession: createMiddleware<MaybeSessionEnv>(async (c, next) => {
      c.set('session', await readSession(c.req.raw));
      await next();
    }),
    scope: (scope) =>
      createMiddleware<ServiceEnv>(async (c, next) => {
        const secret = bearer(c.req.raw);
        const key = secret ? await authenticateApiKey(ctx, { secret }) : null;
        if (!key) throw new TwofoldError('UNAUTHENTICATED', 'This route needs a service API key.');
        if (!key.scopes.includes(scope)) {
          throw new TwofoldError('INSUFFICIENT_SCOPE', `This API key lacks the "${scope}" scope.`, { requiredScope: scope });
        }
        c.set('apiKey', key);
        await next();
      }),
    limitCeremonies: createMiddleware<TwofoldEnv>(async (c, next) => {
      // Signed in: counted per user (a session must not be a way around the limit); otherwise per address.
      const signedIn = (c as unknown as Context<MaybeSessionEnv>).get('session');
      if (signedIn) await enforceLimits([[ctx.limiters.ceremonyUser, signedIn.userId]]);
      else await enforceLimits([[ctx.limiters.ceremonyAddress, c.get('clientAddress')]]);
      await next();
    }),
    limitFaceChecks: createMiddleware<TwofoldEnv>(async (c, next) => {
      await enforceLimits([[ctx.limiters.faceAddress, c.get('clientAddress')]]);
      await next();
    }),
    json: readJson,
    query: readQuery,
  };
}

/** How deeply any JSON body may nest (a transaction's `context` has its own, lower limit). */
const MAX_BODY_DEPTH = 64;

/** The error of a body over `limit` bytes. */
export const bodyTooLarge = (limit: number) => new TwofoldError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`, { limit });

/** The body's bytes, counted as they arrive: never more than `limit` are kept. */
async function readBytes(req: Request, limit: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function bearer(req: Request): string | null {
  const header = req.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new TwofoldError('UNAUTHENTICATED', 'Use "Authorization: Bearer <credential>".');
  return match[1]!;
}

/**
 * The query string, validated like a body: one value per name, the first when a name repeats
 * (`?limit=5&limit=500` reads 5; what Hono's `c.req.query()` returns).
 */
function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validated(c.req.query(), schema, '(query)');
}

/** `value` parsed with `schema`, or 400 `INVALID_REQUEST` with at most 10 issues. */
function validated<S extends z.ZodType>(value: unknown, schema: S, root: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.') || root, message: i.message }));
    throw new TwofoldError('INVALID_REQUEST', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }
  return parsed.data;
}

/**
 * Parsing (bytes → JSON → typed value) is kept apart from policy, which lives in the modules.
 * A declared length over the route's limit was refused by `hono/body-limit` (see `app.ts`); the
 * bytes themselves are counted here as they arrive, so a body without (or below) its declared
 * length is refused past the limit too.
 */
async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const req = c.req.raw;
  const bytes = await readBytes(req, (c as Context<TwofoldEnv>).get('bodyLimit'));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TwofoldError('INVALID_JSON', 'The body is not valid UTF-8.');
  }
  let value: unknown = {};
  if (text.trim() !== '') {
    const type = req.headers.get('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(type)) {
      throw new TwofoldError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new TwofoldError('INVALID_JSON', 'The body is not valid JSON.');
    }
  }
  // A backstop under every schema (the face bodies included): nothing nested past what any body
  // needs, and no text the database would refuse or silently alter. Iterative: no stack overflow.
  const problem = jsonProblem(value, MAX_BODY_DEPTH);
  if (problem) throw new TwofoldError('INVALID_REQUEST', `(body): ${problem}`, { issues: [{ path: '(body)', message: problem }] });
  return validated(value, schema, '(body)');
}

/**
 * Every path segment, percent-decoded, must be a valid {@link pathParam} (an id): a `%00` or a
 * lone surrogate would otherwise reach the database as a route's parameter. Checked for every
 * segment before routing, so no route can forget it; 400 `INVALID_REQUEST`.
 */
export const checkPathSegments = createMiddleware<TwofoldEnv>(async (c, next) => {
  const raw = new URL(c.req.url).pathname;
  for (const segment of raw.split('/')) {
    if (segment === '') continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalidPath('is not percent-encoded UTF-8');
    }
    const parsed = pathParam.safeParse(decoded);
    if (!parsed.success) throw invalidPath(parsed.error.issues[0]?.message ?? 'is not a valid id');
  }
  await next();
});

const invalidPath = (message: string) =>
  new TwofoldError('INVALID_REQUEST', `(path): a segment ${message}`, { issues: [{ path: '(path)', message }] });
