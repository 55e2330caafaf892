import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import { actor } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import {
  abandonRecovery,
  cancelRecoveries,
  chooseRecoveryPin,
  getRecovery,
  listRecoveries,
  startRecovery,
  startRecoveryPasskey,
  verifyRecoveryFace,
  verifyRecoveryPasskey,
} from './recovery.js';

/** Routes whose body carries face evidence; the HTTP layer gives them the larger body limit. */
export const RECOVERY_EVIDENCE_PATHS = ['/recovery/:flowId/face'] as const;

/**
 * Recovery flows (browser; the flow id is the bearer handle) and the support view of a user's
 * flows (service).
 */
export function recoveryRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .post('/recovery', kit.limitCeremonies, async (c) => {
      const input = await kit.json(c, s.startRecoveryBody);
      return c.json(await startRecovery(ctx, { ...input, clientAddress: c.var.clientAddress }), 201);
    })
    .get('/recovery/:flowId', async (c) => c.json(await getRecovery(ctx, { flowId: c.req.param('flowId') })))
    .delete('/recovery/:flowId', async (c) => {
      await abandonRecovery(ctx, { flowId: c.req.param('flowId') });
      return c.body(null, 204);
    })
    .put('/recovery/:flowId/pin', async (c) => {
      const { pin } = await kit.json(c, s.recoveryPinBody);
      return c.json(await chooseRecoveryPin(ctx, { flowId: c.req.param('flowId'), pin, clientAddress: c.var.clientAddress }));
    })
    .post('/recovery/:flowId/face', kit.limitFaceChecks, async (c) => {
      const input = await kit.json(c, s.recoveryFaceBody);
      return c.json(await verifyRecoveryFace(ctx, { ...input, flowId: c.req.param('flowId') }));
    })
    .post('/recovery/:flowId/passkey/options', kit.limitCeremonies, async (c) => {
      const { replaceDeviceId, hints } = await kit.json(c, s.recoveryPasskeyOptionsBody);
      return c.json(await startRecoveryPasskey(ctx, { flowId: c.req.param('flowId'), replaceDeviceId, ...(hints && { hints }) }));
    })
    .post('/recovery/:flowId/passkey/verify', async (c) => {
      const input = await kit.json(c, s.registerVerifyBody);
      return c.json(
        await verifyRecoveryPasskey(ctx, { ...input, flowId: c.req.param('flowId'), userAgent: c.req.header('user-agent') ?? null }),
      );
    })
    .get('/users/:userId/recovery', kit.scope('devices.read'), async (c) =>
      c.json({ flows: await listRecoveries(ctx, { userId: c.req.param('userId') }) }),
    )
    .post('/users/:userId/recovery/cancel', kit.scope('codes.generate'), async (c) =>
      c.json(await cancelRecoveries(ctx, { userId: c.req.param('userId'), actor: actor.service(c.var.apiKey.id) })),
    );
}
