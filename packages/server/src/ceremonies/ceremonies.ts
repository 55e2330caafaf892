import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { ceremonyExpired, ceremonyNotFound } from './errors.js';
import { parseSealedCeremonyId } from './sealed.js';
import type { CeremonyKind, CeremonyRecord } from './store.js';
import { randomId } from '../util/encoding.js';

/**
 * Stores a new server-side ceremony record; it expires after `ctx.ceremonyTtlSeconds`, or after
 * `ttlSeconds` when that is shorter (face challenges live shorter).
 */
export async function beginCeremony(
  ctx: Pick<TwofoldContext, 'store' | 'now' | 'ceremonyTtlSeconds'>,
  input: { kind: CeremonyKind; challenge: string; userId: string | null; data?: Record<string, unknown>; ttlSeconds?: number },
): Promise<CeremonyRecord> {
  const createdAt = ctx.now();
  const record: CeremonyRecord = {
    id: randomId(18),
    kind: input.kind,
    challenge: input.challenge,
    userId: input.userId,
    data: input.data ?? {},
    createdAt,
    expiresAt: new Date(createdAt.getTime() + Math.min(ctx.ceremonyTtlSeconds, input.ttlSeconds ?? Infinity) * 1000),
  };
  await ctx.store.insertCeremony(record);
  return record;
}

/**
 * Takes a ceremony out of the store, exactly once: a second call with the same id (a replay, or
 * a retry after failure) gets `CHALLENGE_NOT_FOUND`. Expired ones are consumed too and refused.
 */
export async function consumeCeremony(ctx: TwofoldContext, id: string, kind: CeremonyKind): Promise<CeremonyRecord> {
  refuseSealed(id, kind);
  const record = await ctx.store.consumeCeremony(id);
  if (!record) throw ceremonyNotFound();
  if (record.expiresAt.getTime() <= ctx.now().getTime()) {
    throw ceremonyExpired();
  }
  if (record.kind !== kind) throw notOfKind(kind);
  return record;
}

const notOfKind = (kind: CeremonyKind) => new TwofoldError('CEREMONY_MISMATCH', `This is not a ${kind} ceremony.`);

// A stateless sign-in ceremony's id (see sealed.ts) is never stored: offered where a stored
// ceremony is expected, it is the wrong kind of ceremony, as a stored sign-in ceremony would be.
function refuseSealed(id: string, kind: CeremonyKind) {
  if (parseSealedCeremonyId(id)) throw notOfKind(kind);
}
