import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { registerDeviceKey, startDeviceProof } from './devicekeys.js';

/** `POST /me/device-keys` (bind this browser's key) and `POST /device-keys/challenge` (a challenge for a proof). */
export function deviceKeysRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .post('/me/device-keys', kit.session, async (c) => {
      const { publicKey } = await kit.json(c, s.registerDeviceKeyBody);
      return c.json(await registerDeviceKey(ctx, { session: c.var.session, publicKey }), 201);
    })
    .post('/device-keys/challenge', kit.optionalSession, kit.limitCeremonies, async (c) =>
      c.json(await startDeviceProof(ctx, await kit.json(c, s.deviceProofChallengeBody))),
    );
}
