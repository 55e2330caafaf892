import type { TwofoldContext } from '../context.js';
import type { AuditEventRecord, Store } from '../storage/store.js';
import { randomId } from '../util/encoding.js';

/** Security-relevant things that happen; each is written to the audit log and sent to `onEvent`. */
export type AuditEventType =
  | 'user.created'
  | 'user.signed_in'
  | 'passkey.added'
  | 'passkey.counter_regression'
  | 'code.generated'
  | 'code.redeemed'
  | 'code.wrong'
  | 'code.locked'
  | 'codes.invalidated'
  | 'pin.set'
  | 'pin.replaced'
  | 'pin.wrong'
  | 'pin.locked'
  | 'pin.reset'
  | 'recovery.started'
  | 'recovery.completed'
  | 'recovery.abandoned'
  | 'recovery.cancelled'
  | 'passkey.step_up'
  | 'transaction.created'
  | 'transaction.approved'
  | 'transaction.denied'
  | 'face.enrolled'
  | 'face.verified'
  | 'face.mismatch'
  | 'face.liveness_failed'
  | 'face.locked'
  | 'device.renamed'
  | 'device.removed'
  | 'api_key.created'
  | 'api_key.deleted'
  | 'signing_key.rotated';

export interface AuditEvent extends AuditEventRecord {
  type: AuditEventType;
}

export interface RecordEventInput {
  type: AuditEventType;
  userId?: string | null;
  deviceId?: string | null;
  actor: string;
  data?: Record<string, unknown>;
}

/**
 * Writes an audit event with `store` (pass the transaction's store so the event commits, or
 * rolls back, with the change it describes). Call `ctx.notify` with the result after commit.
 */
export async function recordEvent(ctx: TwofoldContext, store: Store, input: RecordEventInput): Promise<AuditEvent> {
  const event = newEvent(ctx, input);
  await store.insertAuditEvent(event);
  return event;
}

/** Builds an event without writing it, for store primitives that write it themselves. */
export function newEvent(ctx: TwofoldContext, input: RecordEventInput): AuditEvent {
  return {
    id: randomId(12),
    type: input.type,
    at: ctx.now(),
    userId: input.userId ?? null,
    deviceId: input.deviceId ?? null,
    actor: input.actor,
    data: input.data ?? {},
  };
}

/** Lists audit events, newest first. */
export function listEvents(ctx: TwofoldContext, options: { userId?: string; limit?: number } = {}) {
  return ctx.store.listAuditEvents(options);
}

/** Actor strings, so audit readers can tell who did what. */
export const actor = {
  user: (userId: string) => `user:${userId}`,
  service: (apiKeyId: string) => `service:${apiKeyId}`,
  system: 'system',
} as const;
