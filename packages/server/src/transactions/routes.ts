import { Hono } from 'hono';
import * as s from '@twofold/protocol/schemas';
import { actor } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import type { RouteKit, TwofoldEnv } from '../routing.js';
import { confirmTransaction, createTransaction, denyTransaction, getTransaction, startTransactionConfirmation } from './transactions.js';

/** App transactions: created and read by a backend, confirmed or denied by the user. */
export function transactionsRoutes(ctx: TwofoldContext, kit: RouteKit) {
  return new Hono<TwofoldEnv>()
    .post('/transactions', kit.scope('transactions.create'), async (c) => {
      const input = await kit.json(c, s.createTransactionBody);
      return c.json(await createTransaction(ctx, { ...input, actor: actor.service(c.var.apiKey.id) }), 201);
    })
    .get('/transactions/:id', kit.scope('transactions.read'), async (c) =>
      c.json(await getTransaction(ctx, { transactionId: c.req.param('id') })),
    )
    .post('/transactions/:id/options', kit.session, async (c) =>
      c.json(await startTransactionConfirmation(ctx, { transactionId: c.req.param('id'), session: c.var.session })),
    )
    .post('/transactions/:id/confirm', kit.session, async (c) => {
      const input = await kit.json(c, s.confirmTransactionBody);
      return c.json(
        await confirmTransaction(ctx, {
          ...input,
          transactionId: c.req.param('id'),
          session: c.var.session,
          clientAddress: c.var.clientAddress,
        }),
      );
    })
    .post('/transactions/:id/deny', kit.session, async (c) =>
      c.json(await denyTransaction(ctx, { transactionId: c.req.param('id'), session: c.var.session })),
    );
}
