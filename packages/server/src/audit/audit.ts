import type { TwofoldContext } from '../context.js';
import type { Store } from '../store.js';
import type { AuditEvent, AuditEventType } from './store.js';

export type { AuditEvent, AuditEventType, AuditEventRecord } from './store.js';
import { randomId } from '../util/encoding.js';

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
export async function recordEvent(ctx: Pick<TwofoldContext, 'now'>, store: Store, input: RecordEventInput): Promise<AuditEvent> {
  const event = newEvent(ctx, input);
  await store.insertAuditEvent(event);
  return event;
}

/**
 * A state change and the audit event it causes, the usual shape of a write: `change` writes in one
 * transaction and returns the event to record in it; once committed, the event goes to the host's
 * `onEvent` hook. @returns the recorded event.
 */
export async function changeWithEvent(
  ctx: Pick<TwofoldContext, 'now' | 'store' | 'notify'>,
  change: (tx: Store) => Promise<RecordEventInput>,
): Promise<AuditEvent> {
  const event = await ctx.store.transaction(async (tx) => recordEvent(ctx, tx, await change(tx)));
  ctx.notify([event]);
  return event;
}

/** {@link changeWithEvent} for a write whose event is known before it runs: `write`, then `event`. */
export function writeWithEvent(
  ctx: Pick<TwofoldContext, 'now' | 'store' | 'notify'>,
  write: (tx: Store) => Promise<unknown>,
  event: RecordEventInput,
): Promise<AuditEvent> {
  return changeWithEvent(ctx, async (tx) => {
    await write(tx);
    return event;
  });
}

/**
 * {@link changeWithEvent} for a bulk change of one user's rows (invalidate, cancel…): `change`
 * returns how many rows it touched, which the event `type` records as `data[key]` and the caller
 * gets back as `{ [key]: n }`. The actor is `options.actor`, else the system.
 */
export async function countWithEvent<K extends string>(
  ctx: Pick<TwofoldContext, 'now' | 'store' | 'notify'>,
  type: AuditEventType,
  options: { userId: string } & ActorOption,
  key: K,
  change: (tx: Store) => Promise<number>,
): Promise<Record<K, number>> {
  const event = { type, userId: options.userId, actor: options.actor ?? actor.system };
  const recorded = await changeWithEvent(ctx, async (tx) => ({ ...event, data: { [key]: await change(tx) } }));
  return recorded.data as Record<K, number>;
}

/** Builds an event without writing it, for store primitives that write it themselves. */
export function newEvent(ctx: Pick<TwofoldContext, 'now'>, input: RecordEventInput): AuditEvent {
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
export function listEvents(ctx: TwofoldContext, options: ListEventsOptions = {}) {
  return ctx.store.listAuditEvents(options);
}

/** {@link pageEvents}' options. */
export interface PageEventsOptions {
  userId: string;
  /** 1..100. Default 50. */
  limit?: number;
  /** The `next` cursor of the previous page. */
  before?: string;
  /** Only these event types (e.g. the account changes a stranger cannot cause). */
  types?: readonly string[];
}

/**
 * One page of a user's events, newest first, and the cursor of the next (null on the last).
 * Pages follow the insertion order, so events written meanwhile never shift them, and every
 * event stays reachable until retention ends it: generating events cannot push any out of the
 * history. With `types`, a view of, say, credential changes cannot be buried under failed
 * attempts a stranger can cause.
 */
export async function pageEvents(ctx: TwofoldContext, options: PageEventsOptions): Promise<{ events: AuditEvent[]; next: string | null }> {
  const page = await ctx.store.pageAuditEvents({
    userId: options.userId,
    limit: options.limit ?? 50,
    ...(options.before !== undefined && { before: options.before }),
    ...(options.types !== undefined && { types: options.types }),
  });
  return { events: page.events as AuditEvent[], next: page.next };
}

/** Who performs a change, for the audit log: `user:<id>`, `service:<keyId>` or `system` (the default). */
export interface ActorOption {
  actor?: string;
}

export interface ListEventsOptions {
  /** Only this user's events. */
  userId?: string;
  /** At most this many (1..1000, default 100). */
  limit?: number;
}

/** Actor strings, so audit readers can tell who did what. */
export const actor = {
  user: (userId: string) => `user:${userId}`,
  service: (apiKeyId: string) => `service:${apiKeyId}`,
  system: 'system',
} as const;
