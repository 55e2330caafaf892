import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { setPin, verifyPin } from './pins.js';

/** `PUT /me/pin` (user) and `POST /pin/verify` (PIN sign-in). */
export function pinsRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .put('/me/pin', kit.session, async (c) => {
      const { pin } = await kit.json(c, s.setPinBody);
      await setPin(ctx, { session: c.var.session, pin, clientAddress: c.var.clientAddress });
      return c.body(null, 204);
    })
    .post('/pin/verify', async (c) => {
      const input = await kit.json(c, s.verifyPinBody);
      return c.json(await verifyPin(ctx, { ...input, clientAddress: c.var.clientAddress }));
    });
}
