import type { TwofoldContext } from '../context.js';
import { ceremonyExpired, ceremonyNotFound } from './errors.js';
import { TwofoldError } from '../errors.js';
import { constantTimeEqual } from '../util/compare.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../util/encoding.js';

/*
 * Stateless ceremonies: starting one writes nothing. The ceremony id carries the challenge, its
 * expiry and whether it was started for a named user, under two HMACs (`keyring.mac`, keys
 * derived for these uses alone): the owner tag, over the body and the named user's id — which
 * the id does not contain — tells whether a credential's owner is the user it was started for;
 * the id's tag, over the body and the owner tag, proves the whole id is ours. Single use is kept
 * when the ceremony is used: its marker goes into `ceremony_uses`, inside the sign-in's durable
 * statement, or by `useSealedCeremony` when the attempt is refused — whoever's credential answered.
 *
 * Form: `a1.<keyId>.<base64url(version | flags | expiry u32 s | challenge 32 B | tag 12 B | owner tag 12 B)>`,
 * at most 2 + 1 + 32 + 1 + 83 = 119 characters (ids are bounded at 128 on the wire).
 * Stored ceremony ids are base64url without dots, so the two kinds never collide.
 */

const PREFIX = 'a1';
const VERSION = 1;
const FLAG_NAMED = 1;
const CHALLENGE_BYTES = 32;
const TAG_BYTES = 12;
const HEADER_BYTES = 1 + 1 + 4;
const BODY_BYTES = HEADER_BYTES + CHALLENGE_BYTES;
const ID_LABEL = 'twofold/ceremony/v1/id';
const OWNER_LABEL = 'twofold/ceremony/v1/owner';
/**
 * How long a used ceremony's marker outlives the ceremony. Every server decides expiry by its
 * own clock, and the sweep deletes markers by its own: without this margin a server whose clock
 * is behind the sweeper's would take a swept ceremony for unused. Clocks must agree within it.
 */
export const MARKER_GRACE_SECONDS = 3600;

/** What a sealed ceremony says once its id has been checked. */
export interface SealedCeremony {
  /** base64url challenge the authenticator signed over. */
  challenge: string;
  /** The single-use marker (the challenge: random, and unique while it matters) and how long it is kept. */
  marker: string;
  markerExpiresAt: Date;
  expiresAt: Date;
  /**
   * The options named a user (by username, or a host's user id): only that user's credentials
   * may answer (WebAuthn §7.2 step 5); ask {@link sealedCeremonyIsFor}.
   */
  named: boolean;
  /** The checked id, for {@link sealedCeremonyIsFor}. */
  id: SealedCeremonyId;
}

/** A parsed, not yet checked, sealed ceremony id. */
export interface SealedCeremonyId {
  keyId: string;
  /** body | tag | owner tag. */
  bytes: Uint8Array;
}

/** Whether stateless ceremonies are on: they need the secret keys (shared by every server). */
export const canSealCeremonies = (ctx: TwofoldContext) => ctx.keyring !== undefined;

/**
 * Starts a stateless ceremony: a fresh challenge and an id that proves it, expiring after
 * `ctx.ceremonyTtlSeconds`. `userId` (with `named`): only that user's credentials may answer;
 * `null` with `named` is a name that matched no user: then none may. Needs `ctx.keyring`.
 */
export async function sealCeremony(
  ctx: TwofoldContext,
  who: { named: boolean; userId: string | null },
): Promise<{ id: string; challenge: string }> {
  const keyring = ctx.keyring;
  if (!keyring) throw new TypeError('sealCeremony: needs secret keys (see canSealCeremonies)');
  const body = new Uint8Array(BODY_BYTES);
  const view = new DataView(body.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, who.named ? FLAG_NAMED : 0);
  view.setUint32(2, Math.floor(ctx.now().getTime() / 1000) + ctx.ceremonyTtlSeconds);
  const challenge = randomBytes(CHALLENGE_BYTES);
  body.set(challenge, HEADER_BYTES);
  const keyId = keyring.activeKeyId;
  // The owner tag (over the body and the named user's id; an unnamed ceremony's is never asked),
  // then the id's tag over both, so that no byte of the id can change unnoticed.
  const sealed = new Uint8Array(BODY_BYTES + 2 * TAG_BYTES);
  sealed.set(body);
  sealed.set(fromBase64Url(await tagOf(ctx, keyId, OWNER_LABEL, body, who.named ? (who.userId ?? '') : null)), BODY_BYTES + TAG_BYTES);
  sealed.set(fromBase64Url(await tagOf(ctx, keyId, ID_LABEL, withoutTag(sealed), null)), BODY_BYTES);
  return { id: `${PREFIX}.${keyId}.${toBase64Url(sealed)}`, challenge: toBase64Url(challenge) };
}

/** Parses an id of {@link sealCeremony}'s form, checking nothing else; null for any other id (e.g. a stored ceremony's). */
export function parseSealedCeremonyId(id: string): SealedCeremonyId | null {
  const [prefix, keyId, payload, extra] = id.split('.');
  if (prefix !== PREFIX || !keyId || !payload || extra !== undefined) return null;
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(payload);
  } catch {
    return null;
  }
  if (bytes.length !== BODY_BYTES + 2 * TAG_BYTES || bytes[0] !== VERSION) return null;
  return { keyId, bytes };
}

/**
 * Checks a sealed id — ours, not expired — and claims it on this server: a second attempt here
 * (a replay, or the same id sent again while this attempt runs) is refused before any crypto.
 * Give the claim back with {@link releaseSealedCeremony} if the attempt decides nothing. Writes
 * nothing and says nothing about whom a named ceremony is for. Throws `CHALLENGE_NOT_FOUND`
 * (forged or altered, sealed with a key no longer in the keyring, or used), `CHALLENGE_EXPIRED`.
 */
export async function openSealedCeremony(ctx: TwofoldContext, id: SealedCeremonyId): Promise<SealedCeremony> {
  const tag = toBase64Url(id.bytes.subarray(BODY_BYTES, BODY_BYTES + TAG_BYTES));
  if (!(ctx.keyring?.hasKey(id.keyId) && constantTimeEqual(await tagOf(ctx, id.keyId, ID_LABEL, withoutTag(id.bytes), null), tag))) {
    throw ceremonyNotFound();
  }
  const body = id.bytes.subarray(0, BODY_BYTES);
  const expiresAt = new Date(new DataView(body.buffer, body.byteOffset).getUint32(2) * 1000);
  if (expiresAt.getTime() <= ctx.now().getTime()) throw ceremonyExpired();
  const challenge = toBase64Url(body.subarray(HEADER_BYTES));
  // Used or in use on this server already (a replay): refused before any crypto; the write
  // refuses the others.
  if (!ctx.usedCeremonies.claim(challenge)) throw ceremonyNotFound();
  return {
    challenge,
    marker: challenge,
    markerExpiresAt: new Date(expiresAt.getTime() + MARKER_GRACE_SECONDS * 1000),
    expiresAt,
    named: (body[1]! & FLAG_NAMED) !== 0,
    id,
  };
}

/** Whether a checked named ceremony was started for `userId` (an unknown name is for nobody). */
export async function sealedCeremonyIsFor(ctx: TwofoldContext, ceremony: SealedCeremony, userId: string): Promise<boolean> {
  if (!ceremony.named || userId === '') return false;
  const { keyId, bytes } = ceremony.id;
  const ownerTag = toBase64Url(bytes.subarray(BODY_BYTES + TAG_BYTES));
  return constantTimeEqual(await tagOf(ctx, keyId, OWNER_LABEL, bytes.subarray(0, BODY_BYTES), userId), ownerTag);
}

/**
 * Uses up a checked ceremony whose attempt was refused, so it cannot be tried again (as a stored
 * ceremony is consumed by any attempt). Throws `CHALLENGE_NOT_FOUND` when it was already used:
 * then that, not the refusal, is the answer.
 */
export async function useSealedCeremony(
  ctx: Pick<TwofoldContext, 'store'>,
  ceremony: Pick<SealedCeremony, 'marker' | 'markerExpiresAt'>,
): Promise<void> {
  if (!(await ctx.store.useCeremonyMarker(ceremony.marker, ceremony.markerExpiresAt))) throw ceremonyNotFound();
}

/**
 * Gives back this server's claim on a ceremony whose attempt failed without a decision (the
 * store unreachable, or an unexpected error): the same id may be tried again, and the store
 * decides. A refusal or a use keeps the claim.
 */
export function releaseSealedCeremony(ctx: TwofoldContext, ceremony: Pick<SealedCeremony, 'marker'>, error: unknown): void {
  if (!(error instanceof TwofoldError) || error.code === 'STORE_UNAVAILABLE') ctx.usedCeremonies.release(ceremony.marker);
}

// The id's bytes without its tag (body, then owner tag).
function withoutTag(sealed: Uint8Array): Uint8Array {
  const out = new Uint8Array(BODY_BYTES + TAG_BYTES);
  out.set(sealed.subarray(0, BODY_BYTES));
  out.set(sealed.subarray(BODY_BYTES + TAG_BYTES), BODY_BYTES);
  return out;
}

// HMAC-SHA256 over the bytes and, for the owner tag, the named user's id (NUL-separated), first 12 bytes.
async function tagOf(ctx: TwofoldContext, keyId: string, label: string, bytes: Uint8Array, userId: string | null): Promise<string> {
  const user = new TextEncoder().encode(userId ?? '');
  const data = new Uint8Array(bytes.length + 1 + user.length);
  data.set(bytes);
  data.set(user, bytes.length + 1);
  return toBase64Url((await ctx.keyring!.mac(data, label, keyId)).subarray(0, TAG_BYTES));
}
