import { Hono, type Context } from 'hono';
import { listEvents, actor } from '../audit/audit.js';
import type { TwofoldContext } from '../context.js';
import { deleteDevice, listDevices, renameDevice } from '../devices/devices.js';
import { TwofoldError } from '../errors.js';
import {
  generatePasskeyAuthenticationOptions,
  generatePasskeyRegistrationOptions,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
} from '../passkeys/passkeys.js';
import { createUser, retrieveUser } from '../users/users.js';
import { pinStatus, setPin, verifyPin } from '../pins/pins.js';
import { createFaceChallenge, enrollFace, getClientState, verifyFace } from '../face/face.js';
import {
  abandonRecovery,
  cancelRecoveries,
  chooseRecoveryPin,
  completeRecoveryPasskey,
  getRecovery,
  listRecoveries,
  startRecovery,
  startRecoveryPasskey,
  verifyRecoveryFace,
} from '../recovery/recovery.js';
import {
  confirmTransaction,
  createTransaction,
  denyTransaction,
  generateTransactionOptions,
  getTransactionStatus,
} from '../transactions/transactions.js';
import { completeAddCredentialWithCode, generateCode, invalidateCodes, startAddCredentialWithCode } from '../codes/codes.js';
import { requireScope, requireSession, optionalSession } from './auth.js';
import { readJson } from './body.js';
import { problemResponse } from './problem.js';
import { enforceLimits } from '../ratelimits/ratelimits.js';
import * as s from './schemas.js';

export interface HandlerOptions {
  /** Path prefix the API is served under. Default `/api/v1`. */
  basePath?: string;
  /** Largest accepted request body. Default 64 KiB. */
  bodyLimitBytes?: number;
  /** The client's IP address for a request (rate limits); the Node adapter provides one. */
  clientAddress?: (req: Request) => string | undefined;
  /** Called with unexpected (5xx) errors. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * The Fetch-standard HTTP handler: `(Request) => Promise<Response>`. Validates input, calls a
 * domain function, and turns every {@link TwofoldError} into problem+json. Anything else is a
 * 500 `INTERNAL` with no detail leaked.
 */
export function createHandler(ctx: TwofoldContext, options: HandlerOptions = {}): (req: Request) => Promise<Response> {
  const limit = options.bodyLimitBytes ?? 64 * 1024;
  const onError = options.onError ?? ((e: unknown) => console.error('[twofold] unexpected error', e));
  const app = new Hono().basePath(options.basePath ?? '/api/v1');
  const body = <S extends Parameters<typeof readJson>[1]>(c: Context, schema: S, max = limit) => readJson(c.req.raw, schema, max);
  // Face evidence (a frame track and descriptors) is legitimately larger than other bodies.
  const evidenceLimit = Math.max(limit, 512 * 1024);
  const json = (c: Context, value: unknown, status: 200 | 201 = 200) => c.json(value as object, status);

  // Unauthenticated ceremony starts are limited per client address.
  const limitCeremonies = (c: Context) => enforceLimits([[ctx.limiters.ceremonyAddress, options.clientAddress?.(c.req.raw)]]);

  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('x-content-type-options', 'nosniff');
  });

  // --- keys
  // Backends may cache the key set briefly. A retired key stays listed for a day, so a cache
  // never misses an old key; a new key is listed at once, and verifiers that refetch on an
  // unknown `kid` (as jose's createRemoteJWKSet does) pick it up immediately.
  app.get('/.well-known/jwks.json', async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await ctx.tokens.jwks());
  });

  // --- users (service)
  app.post('/users', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'users.create');
    const input = await body(c, s.createUserBody);
    const user = await createUser(ctx, { ...input, actor: actor.service(key.id) });
    return json(c, { userId: user.userId, username: user.username, displayName: user.displayName }, 201);
  });
  app.post('/users/retrieve', async (c) => {
    await requireScope(ctx, c.req.raw, 'users.retrieve');
    const input = await body(c, s.retrieveUserBody);
    return json(c, await retrieveUser(ctx, input));
  });

  // --- pre-authorized codes (service)
  app.post('/codes/:type/generate', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'codes.generate');
    const type = s.codeType.safeParse(c.req.param('type'));
    if (!type.success) throw new TwofoldError('NOT_FOUND', 'Code types are short, long and link.');
    const input = await body(c, s.generateCodeBody);
    const generated = await generateCode(ctx, {
      userId: input.userId,
      type: type.data,
      purpose: input.purpose,
      ...(input.ttlSeconds !== undefined && { ttlSeconds: input.ttlSeconds }),
      ...(input.requireFace !== undefined && { requireFace: input.requireFace }),
      actor: actor.service(key.id),
    });
    return json(c, generated, 201);
  });
  app.post('/codes/invalidate-all', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'codes.generate');
    const input = await body(c, s.userIdBody);
    return json(c, await invalidateCodes(ctx, { userId: input.userId, actor: actor.service(key.id) }));
  });

  // --- add a passkey with a code: account recovery on a new device (browser)
  app.post('/credentials/fido2/init/code', async (c) => {
    const input = await body(c, s.initWithCodeBody);
    return json(
      c,
      await startAddCredentialWithCode(ctx, {
        userId: input.userId,
        code: input.code.code,
        type: input.code.type,
        clientAddress: options.clientAddress?.(c.req.raw),
      }),
    );
  });
  app.post('/credentials/fido2/complete', async (c) => {
    const input = await body(c, s.registerVerifyBody);
    return json(
      c,
      await completeAddCredentialWithCode(ctx, { ...input, userAgent: c.req.header('user-agent') ?? null }),
    );
  });

  // --- app transactions: step-up with a post-operation context
  app.post('/transactions', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'transactions.create');
    const input = await body(c, s.createTransactionBody);
    const created = await createTransaction(ctx, {
      userId: input.userId,
      message: input.message,
      context: input.context,
      ...(input.ttlSeconds !== undefined && { ttlSeconds: input.ttlSeconds }),
      ...(input.allowPin !== undefined && { allowPin: input.allowPin }),
      actor: actor.service(key.id),
    });
    return json(c, created, 201);
  });
  app.get('/transactions/:id', async (c) => {
    await requireScope(ctx, c.req.raw, 'transactions.read');
    return json(c, await getTransactionStatus(ctx, { transactionId: c.req.param('id') }));
  });
  app.post('/transactions/:id/options', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    return json(c, await generateTransactionOptions(ctx, { transactionId: c.req.param('id'), session }));
  });
  app.post('/transactions/:id/confirm', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const input = await body(c, s.confirmTransactionBody);
    return json(
      c,
      await confirmTransaction(ctx, { transactionId: c.req.param('id'), session, ...input, clientAddress: options.clientAddress?.(c.req.raw) }),
    );
  });
  app.post('/transactions/:id/deny', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    return json(c, await denyTransaction(ctx, { transactionId: c.req.param('id'), session }));
  });

  // --- face (evidence from @twofold/client/face; see @twofold/protocol's FaceEvidence)
  app.post('/face/challenge', async (c) => {
    const session = await optionalSession(ctx, c.req.raw);
    if (!session) await limitCeremonies(c);
    const input = await body(c, s.faceChallengeBody);
    return json(c, await createFaceChallenge(ctx, { ...input, session }));
  });
  app.post('/face/enroll', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const input = await body(c, s.faceEnrollBody, evidenceLimit);
    const { keep, ...rest } = input;
    return json(c, await enrollFace(ctx, { ...rest, ...(keep && { keep }), session }));
  });
  app.post('/face/verify', async (c) => {
    const input = await body(c, s.faceVerifyBody, evidenceLimit);
    const { match, token } = await verifyFace(ctx, input);
    return json(c, { match, token });
  });

  // --- recovery flows: credential reset and new device by face (browser; the flow id is the handle)
  app.post('/recovery', async (c) => {
    await limitCeremonies(c);
    const input = await body(c, s.startRecoveryBody);
    return json(c, await startRecovery(ctx, { ...input, clientAddress: options.clientAddress?.(c.req.raw) }), 201);
  });
  app.get('/recovery/:flowId', async (c) => json(c, await getRecovery(ctx, { flowId: c.req.param('flowId') })));
  app.delete('/recovery/:flowId', async (c) => {
    await abandonRecovery(ctx, { flowId: c.req.param('flowId') });
    return c.body(null, 204);
  });
  app.put('/recovery/:flowId/pin', async (c) => {
    const input = await body(c, s.recoveryPinBody);
    return json(c, await chooseRecoveryPin(ctx, { flowId: c.req.param('flowId'), pin: input.pin, clientAddress: options.clientAddress?.(c.req.raw) }));
  });
  app.post('/recovery/:flowId/face', async (c) => {
    const input = await body(c, s.recoveryFaceBody, evidenceLimit);
    return json(c, await verifyRecoveryFace(ctx, { flowId: c.req.param('flowId'), ...input }));
  });
  app.post('/recovery/:flowId/passkey/options', async (c) => {
    await limitCeremonies(c);
    const input = await body(c, s.recoveryPasskeyOptionsBody);
    return json(c, await startRecoveryPasskey(ctx, { flowId: c.req.param('flowId'), replaceDeviceId: input.replaceDeviceId }));
  });
  app.post('/recovery/:flowId/passkey/verify', async (c) => {
    const input = await body(c, s.registerVerifyBody);
    return json(c, await completeRecoveryPasskey(ctx, { flowId: c.req.param('flowId'), ...input, userAgent: c.req.header('user-agent') ?? null }));
  });

  // --- devices (service)
  app.get('/users/:userId/devices', async (c) => {
    await requireScope(ctx, c.req.raw, 'devices.read');
    return json(c, { devices: await listDevices(ctx, { userId: c.req.param('userId') }) });
  });
  app.get('/users/:userId/recovery', async (c) => {
    await requireScope(ctx, c.req.raw, 'devices.read');
    return json(c, { flows: await listRecoveries(ctx, { userId: c.req.param('userId') }) });
  });
  app.post('/users/:userId/recovery/cancel', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'codes.generate');
    return json(c, await cancelRecoveries(ctx, { userId: c.req.param('userId'), actor: actor.service(key.id) }));
  });
  app.get('/users/:userId/devices/:deviceId/client-state', async (c) => {
    await requireScope(ctx, c.req.raw, 'client_state.read');
    return json(c, await getClientState(ctx, { userId: c.req.param('userId'), deviceId: c.req.param('deviceId') }));
  });
  app.delete('/users/:userId/devices/:deviceId', async (c) => {
    const key = await requireScope(ctx, c.req.raw, 'devices.delete');
    await deleteDevice(ctx, { userId: c.req.param('userId'), deviceId: c.req.param('deviceId'), actor: actor.service(key.id) });
    return c.body(null, 204);
  });

  // --- passkeys (browser)
  app.post('/passkeys/register/options', async (c) => {
    const session = await optionalSession(ctx, c.req.raw);
    if (!session) await limitCeremonies(c);
    const input = await body(c, s.registerOptionsBody);
    if (session) return json(c, await generatePasskeyRegistrationOptions(ctx, { userId: session.userId }));
    if (input.username === undefined) {
      throw new TwofoldError('INVALID_REQUEST', 'username: required to sign up (or send a session token to add a passkey)', {
        issues: [{ path: 'username', message: 'required' }],
      });
    }
    return json(c, await generatePasskeyRegistrationOptions(ctx, { username: input.username, displayName: input.displayName }));
  });
  app.post('/passkeys/register/verify', async (c) => {
    const session = await optionalSession(ctx, c.req.raw);
    const input = await body(c, s.registerVerifyBody);
    return json(
      c,
      await verifyPasskeyRegistration(ctx, {
        ...input,
        userAgent: c.req.header('user-agent') ?? null,
        sessionUserId: session?.userId ?? null,
      }),
    );
  });
  app.post('/passkeys/authenticate/options', async (c) => {
    await limitCeremonies(c);
    const input = await body(c, s.authenticateOptionsBody);
    return json(c, await generatePasskeyAuthenticationOptions(ctx, input));
  });
  app.post('/passkeys/authenticate/verify', async (c) => {
    const input = await body(c, s.authenticateVerifyBody);
    return json(c, await verifyPasskeyAuthentication(ctx, input));
  });

  // --- the signed-in user
  app.get('/me', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const user = await ctx.store.getUserById(session.userId);
    if (!user) throw new TwofoldError('USER_NOT_FOUND', 'This account no longer exists.');
    return json(c, {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      createdAt: user.createdAt.toISOString(),
      amr: session.amr,
      pin: await pinStatus(ctx, user.id),
    });
  });
  app.put('/me/pin', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const input = await body(c, s.setPinBody);
    await setPin(ctx, { session, pin: input.pin });
    return c.body(null, 204);
  });
  app.post('/pin/verify', async (c) => {
    const input = await body(c, s.verifyPinBody);
    return json(c, await verifyPin(ctx, { ...input, clientAddress: options.clientAddress?.(c.req.raw) }));
  });
  app.get('/me/devices', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    return json(c, { devices: await listDevices(ctx, { userId: session.userId }) });
  });
  app.patch('/me/devices/:deviceId', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const input = await body(c, s.renameDeviceBody);
    const device = await renameDevice(ctx, {
      userId: session.userId,
      deviceId: c.req.param('deviceId'),
      name: input.name,
      actor: actor.user(session.userId),
    });
    return json(c, device);
  });
  app.delete('/me/devices/:deviceId', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    await deleteDevice(ctx, { userId: session.userId, deviceId: c.req.param('deviceId'), actor: actor.user(session.userId) });
    return c.body(null, 204);
  });
  app.get('/me/events', async (c) => {
    const session = await requireSession(ctx, c.req.raw);
    const events = await listEvents(ctx, { userId: session.userId, limit: 50 });
    return json(c, { events: events.map((e) => ({ id: e.id, type: e.type, at: e.at.toISOString(), deviceId: e.deviceId, data: e.data })) });
  });

  let patterns: { method: string; pattern: RegExp }[] | null = null;
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    patterns ??= app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, pattern: routePattern(r.path) }));
    const allowed = patterns.filter((r) => r.pattern.test(path)).map((r) => r.method);
    if (allowed.length) {
      return problemResponse('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here.`, {}, { allow: [...new Set(allowed)].join(', ') });
    }
    return problemResponse('NOT_FOUND', `No route for ${c.req.method} ${path}.`);
  });
  app.onError((error) => {
    if (error instanceof TwofoldError) return problemResponse(error.code, error.message, error.extensions);
    onError(error);
    return problemResponse('INTERNAL', 'Something went wrong on the server.');
  });

  return async (req) => {
    const res = await app.fetch(req);
    if (res.headers.get('content-type')?.startsWith('application/problem+json')) {
      res.headers.set('cache-control', 'no-store');
    }
    return res;
  };
}

const routePattern = (path: string) =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);
