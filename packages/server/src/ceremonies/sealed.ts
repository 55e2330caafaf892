import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { constantTimeEqual } from '../util/compare.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../util/encoding.js';

/*
 * Stateless ceremonies: starting one writes nothing. The ceremony id carries the challenge, its
 * expiry and who may answer it, with an HMAC (`keyring.mac`, a key derived for this use alone)
 * binding them and — for a ceremony that named a user — the user id, which is not in the id.
 * Single use is kept when the ceremony is used: its marker goes into `ceremony_uses`, inside the
 * sign-in's durable statement, or by `useSealedCeremony` when the attempt is refused.
 *
 * Form: `a1.<keyId>.<base64url(version | flags | expiry u32 s | challenge 32 B | tag 16 B)>`,
 * at most 2 + 1 + 32 + 1 + 72 = 108 characters (ids are bounded at 128 on the wire).
 * Stored ceremony ids are base64url without dots, so the two kinds never collide.
 */

const PREFIX = 'a1';
const VERSION = 1;
const FLAG_NAMED = 1;
const CHALLENGE_BYTES = 32;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + 1 + 4;
const BODY_BYTES = HEADER_BYTES + CHALLENGE_BYTES;
const LABEL = 'twofold/ceremony/v1';

/** What a sealed ceremony says once its id has been checked. */
export interface SealedCeremony {
  /** base64url challenge the authenticator signed over. */
  challenge: string;
  /** The single-use marker (the challenge: random, and unique while it matters). */
  marker: string;
  expiresAt: Date;
  /**
   * The options named a user (by username, or a host's user id): the credential must be that
   * user's (WebAuthn §7.2 step 5). The id was then checked against the credential's owner.
   */
  named: boolean;
}

/** A parsed, not yet checked, sealed ceremony id. */
export interface SealedCeremonyId {
  keyId: string;
  body: Uint8Array;
  tag: string;
}

/** Whether stateless ceremonies are on: they need the secret keys (shared by every server). */
export const canSealCeremonies = (ctx: TwofoldContext) => ctx.keyring !== undefined;

/**
 * Starts a stateless ceremony: a fresh challenge and an id that proves it, expiring after
 * `ctx.ceremonyTtlSeconds`. `userId` (with `named`): only that user's credentials may answer;
 * `null` with `named` is a name that matched no user: then none may. Needs `ctx.keyring`.
 */
export async function sealCeremony(ctx: TwofoldContext, who: { named: boolean; userId: string | null }): Promise<{ id: string; challenge: string }> {
  const keyring = ctx.keyring;
  if (!keyring) throw new TypeError('sealCeremony: needs secret keys (see canSealCeremonies)');
  const body = new Uint8Array(BODY_BYTES);
  const view = new DataView(body.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, who.named ? FLAG_NAMED : 0);
  view.setUint32(2, Math.floor(ctx.now().getTime() / 1000) + ctx.ceremonyTtlSeconds);
  const challenge = randomBytes(CHALLENGE_BYTES);
  body.set(challenge, HEADER_BYTES);
  const tag = await tagOf(ctx, keyring.activeKeyId, body, who.named ? who.userId : null);
  const sealed = new Uint8Array(BODY_BYTES + TAG_BYTES);
  sealed.set(body);
  sealed.set(fromBase64Url(tag), BODY_BYTES);
  return { id: `${PREFIX}.${keyring.activeKeyId}.${toBase64Url(sealed)}`, challenge: toBase64Url(challenge) };
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
  if (bytes.length !== BODY_BYTES + TAG_BYTES || bytes[0] !== VERSION) return null;
  return { keyId, body: bytes.subarray(0, BODY_BYTES), tag: toBase64Url(bytes.subarray(BODY_BYTES)) };
}

/**
 * Checks a sealed id. `ownerId` is the owner of the credential that answered (null: none
 * registered); for a named ceremony the tag only matches the user it was started for.
 * Throws `CHALLENGE_NOT_FOUND` (forged, or sealed with a key no longer in the keyring),
 * `CREDENTIAL_NOT_FOUND` (a named ceremony answered by a credential that is not that user's,
 * which a forged named id also gets: the two cannot be told apart), `CHALLENGE_EXPIRED`.
 */
export async function openSealedCeremony(ctx: TwofoldContext, id: SealedCeremonyId, ownerId: string | null): Promise<SealedCeremony> {
  const keyring = ctx.keyring;
  const named = (id.body[1]! & FLAG_NAMED) !== 0;
  const valid = keyring?.hasKey(id.keyId) && constantTimeEqual(await tagOf(ctx, id.keyId, id.body, named ? ownerId : null), id.tag);
  if (!valid) {
    if (named) throw new TwofoldError('CREDENTIAL_NOT_FOUND', 'This passkey is not registered here.');
    throw new TwofoldError('CHALLENGE_NOT_FOUND', 'This ceremony does not exist or was already used.');
  }
  const expiresAt = new Date(new DataView(id.body.buffer, id.body.byteOffset).getUint32(2) * 1000);
  if (expiresAt.getTime() <= ctx.now().getTime()) throw new TwofoldError('CHALLENGE_EXPIRED', 'This ceremony expired; start again.');
  const challenge = toBase64Url(id.body.subarray(HEADER_BYTES));
  return { challenge, marker: challenge, expiresAt, named };
}

/**
 * Uses up a checked ceremony whose attempt was refused, so it cannot be tried again (as a stored
 * ceremony is consumed by any attempt). Throws `CHALLENGE_NOT_FOUND` when it was already used:
 * then that, not the refusal, is the answer.
 */
export async function useSealedCeremony(ctx: TwofoldContext, ceremony: Pick<SealedCeremony, 'marker' | 'expiresAt'>): Promise<void> {
  if (!(await ctx.store.useCeremonyMarker(ceremony.marker, ceremony.expiresAt))) {
    throw new TwofoldError('CHALLENGE_NOT_FOUND', 'This ceremony does not exist or was already used.');
  }
}

// HMAC-SHA256 over the body and the named user's id (NUL-separated), first 16 bytes.
async function tagOf(ctx: TwofoldContext, keyId: string, body: Uint8Array, userId: string | null): Promise<string> {
  const user = new TextEncoder().encode(userId ?? '');
  const data = new Uint8Array(body.length + 1 + user.length);
  data.set(body);
  data.set(user, body.length + 1);
  return toBase64Url((await ctx.keyring!.mac(data, LABEL, keyId)).subarray(0, TAG_BYTES));
}
