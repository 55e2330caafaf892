import { FACE_MATCH_THRESHOLD, FACE_TARGETS, type FaceAction, type FaceEvidence, type FaceTarget } from '@twofold/protocol';
import { actor, recordEvent, type AuditEvent, changeWithEvent } from '../audit/index.js';
import { beginCeremony, consumeCeremony } from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/index.js';
import type { CeremonyRecord } from '../ceremonies/store.js';
import type { DeviceRecord } from '../devices/store.js';
import type { Store } from '../store.js';
import { decideLiveness, readEvidence } from './evidence.js';
import { closestTemplate } from './match.js';
import type { FaceTemplateRecord } from './store.js';
import type { FaceTicket } from './analyzer.js';
import { requireStepUp, type SessionClaims } from '../sessions/index.js';
import { verifyDeviceProof, type DeviceProof } from '../devicekeys/index.js';
import { randomBytes, randomId, toBase64Url } from '../util/encoding.js';

export type FacePurpose = 'enroll' | 'verify';

export interface StartFaceChallengeOptions {
  userId: string;
  purpose: FacePurpose;
  /** The caller's verified session; enrolling needs the session of `userId`. */
  session: SessionClaims | null;
}

export interface EnrollFaceOptions {
  challengeId: string;
  evidence: FaceEvidence;
  /** Keep the template as a `backup` device (default) or a single-use `temporary` one. */
  keep?: 'backup' | 'temporary';
  /** The verified session of the user enrolling. */
  session: SessionClaims;
}

/** The face check itself (liveness and match), as {@link matchFace} and the recovery face step run it. */
export interface FaceCheckOptions {
  challengeId: string;
  userId: string;
  evidence: FaceEvidence;
  /** A sealed template the caller holds; default: the user's stored face devices. */
  clientState?: string | undefined;
}

export interface VerifyFaceOptions extends FaceCheckOptions {
  /**
   * The possession factor a face sign-in rides on: a proof of purpose `face` by one of the user's
   * device keys (a browser bound after a passkey sign-in). Missing is `DEVICE_PROOF_REQUIRED`.
   */
  deviceProof: DeviceProof | undefined;
}

export interface MatchFaceOptions extends FaceCheckOptions {
  /**
   * What failed attempts count against (default: the user, `user:<id>`). A new-device recovery counts them
   * against its code instead, so someone who merely knows the user id and locks the face
   * factor cannot also block the code holder's recovery.
   */
  attemptsKey?: string;
}

export interface GetClientStateOptions {
  userId: string;
  /** A `backup` or `temporary` face device of the user. */
  deviceId: string;
}

const CHALLENGE_TTL_SECONDS = 120;
const TEMPORARY_TTL_SECONDS = 3600;
/** How long frame fingerprints are kept to refuse replays. */
export const FRAME_MEMORY_DAYS = 30;
const FRAME_LABEL = 'twofold:face-frame:v1';
const sealContext = (userId: string) => `twofold:face-template:v1:${userId}`;

interface SealedTemplate {
  v: 1;
  userId: string;
  /** The device it is kept as, and whether it is single-use. */
  deviceId: string;
  kind: 'backup' | 'temporary';
  model: string;
  template: number[];
  createdAt: string;
}

/**
 * Issues a liveness challenge: every action once, in random order, each with a random target (where
 * the face must be in that action's frame, {@link FACE_TARGETS}), with a nonce-bearing id and a
 * short expiry. Enrolling needs the session of `userId` that passes the step-up rule
 * (`requireStepUp`). A verification challenge for an unknown id is issued like any other, and its
 * verification runs the same checks and ends as for a user without a face
 * (`FACE_NOT_ENROLLED`): the challenge does not tell whether an id exists.
 * Throws `USER_NOT_FOUND` (enrolling), `UNAUTHENTICATED`, `REAUTHENTICATION_REQUIRED`.
 */
export async function startFaceChallenge(
  ctx: TwofoldContext,
  options: StartFaceChallengeOptions,
): Promise<{ challengeId: string; actions: FaceAction[]; targets: FaceTarget[]; expiresAt: string }> {
  const enrolling = options.purpose === 'enroll';
  if (enrolling) {
    if (options.session?.userId !== options.userId)
      throw new TwofoldError('UNAUTHENTICATED', 'Enrolling a face needs the session of that user.');
    requireStepUp(options.session, ctx.now(), 'Enrolling a face');
  }
  requireAnalyzer(ctx);
  if (enrolling) await requireUser(ctx, options.userId);
  const unknownUser = !enrolling && !(await ctx.store.getUserById(options.userId));
  const actions = shuffle([...ctx.faceActions]);
  // Where the face must be in each action's frame: what binds the frames to this challenge.
  const targets = actions.map(() => drawTarget());
  // Face challenges live shorter than passkey ceremonies: the camera session is short.
  const ceremony = await beginCeremony(ctx, {
    kind: 'face',
    challenge: randomId(16),
    userId: options.userId,
    data: { purpose: options.purpose, actions, targets, ...(unknownUser && { unknownUser }) },
    ttlSeconds: CHALLENGE_TTL_SECONDS,
  });
  return { challengeId: ceremony.id, actions, targets, expiresAt: ceremony.expiresAt.toISOString() };
}

/**
 * Enrolls the signed-in user's face from liveness evidence: the template (mean of the
 * session's descriptors) is sealed with AES-256-GCM, returned as `clientState` and kept as a
 * `backup` device (or a `temporary` one: single-use, one hour). Throws `LIVENESS_FAILED`,
 * challenge errors, `NOT_CONFIGURED` (no secret keys).
 */
export async function enrollFace(
  ctx: TwofoldContext,
  options: EnrollFaceOptions,
): Promise<{ deviceId: string; type: 'backup' | 'temporary'; clientState: string }> {
  // Checked before the challenge is consumed, and again here: the session may have aged since.
  requireStepUp(options.session, ctx.now(), 'Enrolling a face');
  const keyring = requireKeyring(ctx);
  const analyzer = requireAnalyzer(ctx);
  const { ceremony, probe } = await withPlace(ctx, options.evidence, async (ticket) => {
    const ceremony = await takeChallenge(
      ctx,
      options.challengeId,
      'enroll',
      options.session.userId,
      () => new TwofoldError('UNAUTHENTICATED', 'This challenge is for another user.'),
    );
    return { ceremony, probe: await judgeEvidence(ctx, ceremony, options.evidence, ticket) };
  });
  const userId = ceremony.userId;
  const now = ctx.now();
  const type = options.keep ?? 'backup';
  const device: DeviceRecord = {
    id: randomId(16),
    userId,
    type,
    name: type === 'backup' ? 'Face (backup)' : 'Face (temporary)',
    createdAt: now,
    lastUsedAt: null,
  };
  const sealed: SealedTemplate = {
    v: 1,
    userId,
    deviceId: device.id,
    kind: type,
    model: analyzer.model,
    template: probe,
    createdAt: now.toISOString(),
  };
  const clientState = await keyring.seal(new TextEncoder().encode(JSON.stringify(sealed)), sealContext(userId));
  await changeWithEvent(ctx, async (tx) => {
    await tx.insertDevice(device);
    await tx.insertFaceTemplate({
      deviceId: device.id,
      userId,
      sealed: clientState,
      expiresAt: type === 'temporary' ? new Date(now.getTime() + TEMPORARY_TTL_SECONDS * 1000) : null,
      usedAt: null,
    });
    return { type: 'face.enrolled', userId, deviceId: device.id, actor: actor.user(userId), data: { keep: type } };
  });
  return { deviceId: device.id, type, clientState };
}

/** A face that passed liveness and matched one of the user's templates. */
export interface FaceMatch {
  userId: string;
  /** The backup/temporary device whose template matched. */
  deviceId: string;
  temporary: boolean;
  distance: number;
}

/**
 * Face sign-in on a bound device. A face is public (photos exist, and a 2D warp of one passes pose
 * liveness), so it never stands alone: first the device-key proof (`DEVICE_PROOF_REQUIRED`,
 * `DEVICE_PROOF_INVALID`; unknown and known ids are answered alike, and nothing — the challenge,
 * the frames, the attempt budget — is touched before it passes), then liveness, then the distance
 * between the session's face and the template (from `clientState`, or the user's stored face
 * devices) must be within {@link FACE_MATCH_THRESHOLD}. A used `temporary` template is consumed
 * (with its device). Failed attempts are counted; after a few the face factor locks for a while
 * (`FACE_LOCKED`). Throws `FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`, `FACE_NOT_ENROLLED`,
 * `CLIENT_STATE_INVALID`, `FACE_BUSY`.
 */
export async function verifyFace(
  ctx: TwofoldContext,
  options: VerifyFaceOptions,
): Promise<{ match: true; token: string; deviceId: string; distance: number }> {
  const { deviceProof, ...check } = options;
  await verifyDeviceProof(ctx, { userId: options.userId, purpose: 'face', proof: deviceProof });
  const match = await matchFace(ctx, check);
  // A temporary state is single-use (and expires), whether presented or stored.
  if (match.temporary && !(await ctx.store.useFaceTemplate(match.deviceId, ctx.now()))) {
    throw new TwofoldError('CLIENT_STATE_INVALID', 'This temporary face state was already used or expired.');
  }
  ctx.notify([await faceVerified(ctx, ctx.store, match)]);
  return {
    match: true,
    token: await ctx.tokens.issue({ userId: match.userId, amr: ['face'], deviceId: match.deviceId }),
    deviceId: match.deviceId,
    distance: match.distance,
  };
}

/**
 * The checks of {@link verifyFace} without their success effects (so a recovery flow can commit
 * them with its own writes): consumes the challenge, counts the attempt, judges liveness and
 * finds the closest usable template. A client state whose device was deleted (or whose
 * temporary template expired or was used) no longer opens. Throws as {@link verifyFace}.
 */
export async function matchFace(ctx: TwofoldContext, options: MatchFaceOptions): Promise<FaceMatch> {
  const keyring = requireKeyring(ctx);
  const analyzer = requireAnalyzer(ctx);
  const userId = options.userId;
  // Namespaced: a user id (any text) must not collide with a recovery code's budget.
  const attemptsKey = options.attemptsKey ?? `user:${userId}`;
  const probe = await withPlace(ctx, options.evidence, async (ticket) => {
    const ceremony = await takeChallenge(
      ctx,
      options.challengeId,
      'verify',
      options.userId,
      () => new TwofoldError('CEREMONY_MISMATCH', 'This challenge is for another user.'),
    );
    const attempt = await ctx.limiters.faceUser.consume(attemptsKey);
    if (!attempt.allowed) {
      // Once per lock window (each refused attempt would let a stranger flood the trail), and none
      // for an id that is no user's.
      if (!ceremony.data.unknownUser && (await ctx.limiters.faceLockedEvent.consume(attemptsKey)).allowed) {
        ctx.notify([await recordEvent(ctx, ctx.store, { type: 'face.locked', userId, actor: actor.system })]);
      }
      throw new TwofoldError('FACE_LOCKED', 'Too many failed face checks; try again later or use another way in.', {
        retryAfterSeconds: attempt.retryAfterSeconds,
      });
    }
    return judgeEvidence(ctx, ceremony, options.evidence, ticket);
  });

  // Candidate templates: the client state given (if its device still exists), else every usable stored one.
  const stored = await ctx.store.listFaceTemplates(userId, ctx.now());
  const candidates: { deviceId: string; template: number[]; temporary: boolean }[] = [];
  if (options.clientState !== undefined) {
    const opened = await openTemplate(keyring, options.clientState, userId, analyzer.model);
    if (!stored.some((s) => s.deviceId === opened.deviceId)) {
      throw new TwofoldError('CLIENT_STATE_INVALID', 'This face state was removed, used or has expired.');
    }
    candidates.push({ deviceId: opened.deviceId, template: opened.template, temporary: opened.kind === 'temporary' });
  } else {
    for (const s of stored) {
      const opened = await openTemplate(keyring, s.sealed, userId, analyzer.model);
      candidates.push({ deviceId: s.deviceId, template: opened.template, temporary: opened.kind === 'temporary' });
    }
  }
  if (candidates.length === 0)
    throw new TwofoldError('FACE_NOT_ENROLLED', 'This user has no face enrolled; pass a clientState or enroll first.');
  const { best, matched } = closestTemplate(probe, candidates, FACE_MATCH_THRESHOLD.value);
  if (!matched) {
    ctx.notify([
      await recordEvent(ctx, ctx.store, { type: 'face.mismatch', userId, actor: actor.system, data: { distance: round(best.distance) } }),
    ]);
    throw new TwofoldError('FACE_MISMATCH', 'The face does not match the enrolled one.');
  }
  // The enrolled person is present: failures so far no longer count (outside any transaction:
  // the limiter has its own statements).
  await ctx.limiters.faceUser.reset(attemptsKey);
  return { userId, deviceId: best.deviceId, temporary: best.temporary, distance: best.distance };
}

/**
 * The success effects of a face match, written with `tx`: the template's device is marked used
 * and `face.verified` is recorded; the caller notifies the returned event once `tx` has committed.
 */
export async function faceVerified(ctx: TwofoldContext, tx: Store, match: FaceMatch): Promise<AuditEvent> {
  // A consumed temporary device is gone; touching it is a no-op then.
  await tx.touchDevice(match.deviceId, ctx.now());
  return recordEvent(ctx, tx, {
    type: 'face.verified',
    userId: match.userId,
    deviceId: match.deviceId,
    actor: actor.user(match.userId),
    data: { distance: round(match.distance) },
  });
}

/**
 * The stored client state of one of the user's face devices, for a backend that did not keep
 * the one `enrollFace` returned (the Keyless "client state" handed to the client in a recovery).
 * Throws `DEVICE_NOT_FOUND` (not a usable backup/temporary face device of this user).
 */
export async function getClientState(
  ctx: TwofoldContext,
  options: GetClientStateOptions,
): Promise<{ deviceId: string; type: 'backup' | 'temporary'; clientState: string; expiresAt: string | null }> {
  await requireUser(ctx, options.userId);
  const template = await usableFaceTemplate(ctx.store, { userId: options.userId, deviceId: options.deviceId, now: ctx.now() });
  if (!template) throw new TwofoldError('DEVICE_NOT_FOUND', 'No usable face device with this id for this user.');
  return {
    deviceId: template.deviceId,
    type: template.expiresAt ? 'temporary' : 'backup',
    clientState: template.sealed,
    expiresAt: template.expiresAt?.toISOString() ?? null,
  };
}

/** The user's face template kept as `deviceId`, if it is usable at `now` (a backup, or an unexpired, unused temporary one). */
export async function usableFaceTemplate(
  store: Store,
  args: { userId: string; deviceId: string | null; now: Date },
): Promise<FaceTemplateRecord | undefined> {
  return (await store.listFaceTemplates(args.userId, args.now)).find((t) => t.deviceId === args.deviceId);
}

/**
 * The server's liveness decision on the evidence of `ceremony` (never the client's): the frames
 * answer this challenge in its order, are new (a frame seen before is a replay: only a keyed
 * fingerprint is kept), and the server's own measurements of them pass {@link decideLiveness}.
 * Frames are decoded in memory and dropped. Failures are recorded (`face.liveness_failed`, the
 * reason only). Returns the session's face. Throws `LIVENESS_FAILED`, `INVALID_REQUEST`, `FACE_BUSY`.
 */
async function judgeEvidence(
  ctx: TwofoldContext,
  ceremony: CeremonyRecord & { userId: string },
  evidence: FaceEvidence,
  ticket: FaceTicket,
): Promise<number[]> {
  const keyring = requireKeyring(ctx);
  const actions = (ceremony.data.actions as FaceAction[]) ?? [];
  // A challenge stored without targets (issued before they existed) binds nothing: refused below.
  const targets = (ceremony.data.targets as FaceTarget[] | undefined) ?? [];
  try {
    const { images } = readEvidence(evidence, { id: ceremony.id, actions });
    const fingerprints = await Promise.all(images.map(async (bytes) => toBase64Url(await keyring.mac(bytes, FRAME_LABEL))));
    // Remembered for an unknown id too: a replay must be refused alike for every id.
    if (!(await ctx.store.rememberFaceFrames(ceremony.userId, fingerprints, ctx.now()))) {
      throw new TwofoldError('LIVENESS_FAILED', 'Liveness check failed: a frame was sent before (a replay).', {
        reason: 'a frame was sent before',
      });
    }
    return decideLiveness({ actions, targets }, await ticket.analyze({ images })).probe;
  } catch (error) {
    if (error instanceof TwofoldError && error.code === 'LIVENESS_FAILED' && !ceremony.data.unknownUser) {
      const reason = String(error.extensions.reason ?? 'unknown');
      ctx.notify([
        await recordEvent(ctx, ctx.store, { type: 'face.liveness_failed', userId: ceremony.userId, actor: actor.system, data: { reason } }),
      ]);
    }
    throw error;
  }
}

function requireAnalyzer(ctx: TwofoldContext) {
  if (!ctx.faceAnalyzer)
    throw new TwofoldError(
      'NOT_CONFIGURED',
      'Face checks need a face analyzer (createTwofold({ faceAnalyzer }), see @twofold/server/face).',
    );
  return ctx.faceAnalyzer;
}

/**
 * Runs `fn` holding a place in the analyzer's queue, taken before `fn` consumes the challenge or
 * counts an attempt: a busy server (`FACE_BUSY`, with `Retry-After`) costs the user a retry, never
 * a challenge, and the place cannot be taken by another check meanwhile. Given back if unused.
 */
async function withPlace<T>(ctx: TwofoldContext, evidence: FaceEvidence, fn: (ticket: FaceTicket) => Promise<T>): Promise<T> {
  // The schema bounds the frame count; an absurd one is refused there, before this.
  const ticket = requireAnalyzer(ctx).admit({ frames: evidence.frames.length });
  try {
    return await fn(ticket);
  } finally {
    ticket.cancel();
  }
}

function requireKeyring(ctx: TwofoldContext) {
  if (!ctx.keyring)
    throw new TwofoldError('NOT_CONFIGURED', 'Face templates need secret keys to be sealed: set the `secretKeys` option of createTwofold.');
  return ctx.keyring;
}

/**
 * Consumes a face challenge of `purpose` issued to `userId`. The owner is checked on a read
 * first: a challenge id sent with another user's id (or session) is refused without being spent,
 * so it still answers for its owner. `otherUser` is the error for that case.
 */
async function takeChallenge(
  ctx: TwofoldContext,
  id: string,
  purpose: FacePurpose,
  userId: string,
  otherUser: () => TwofoldError,
): Promise<CeremonyRecord & { userId: string }> {
  const notFor = () => new TwofoldError('CEREMONY_MISMATCH', `This challenge is not for ${purpose}.`);
  const peek = await ctx.store.getCeremony(id);
  if (peek?.kind === 'face') {
    if (peek.userId !== userId) throw otherUser();
    if (peek.data.purpose !== purpose) throw notFor();
  }
  const ceremony = await consumeCeremony(ctx, id, 'face');
  // Checked again on the consumed record: the read above spares the owner's challenge, this decides.
  if (ceremony.userId !== userId) throw otherUser();
  if (ceremony.data.purpose !== purpose) throw notFor();
  return ceremony as CeremonyRecord & { userId: string };
}

async function openTemplate(
  keyring: NonNullable<TwofoldContext['keyring']>,
  sealed: string,
  userId: string,
  model: string,
): Promise<SealedTemplate> {
  let parsed: SealedTemplate;
  try {
    // The user id is bound into the seal: another user's state does not open for this one.
    parsed = JSON.parse(new TextDecoder().decode(await keyring.open(sealed, sealContext(userId)))) as SealedTemplate;
  } catch {
    throw new TwofoldError('CLIENT_STATE_INVALID', 'The client state is not a face template of this user.');
  }
  if (parsed.v !== 1 || parsed.userId !== userId || parsed.model !== model) {
    throw new TwofoldError('CLIENT_STATE_INVALID', 'The face template was made with another model version; enroll again.');
  }
  return parsed;
}

/** A uniform draw from {@link FACE_TARGETS}'s range (32 random bits per coordinate), rounded to 1/1000. */
function drawTarget(): FaceTarget {
  const uniform = () => new DataView(randomBytes(4).buffer).getUint32(0) / 2 ** 32;
  const { x, y } = FACE_TARGETS.range;
  const round3 = (n: number) => Math.round(n * 1000) / 1000;
  return { x: round3((uniform() * 2 - 1) * x), y: round3((uniform() * 2 - 1) * y) };
}

// Fisher-Yates with rejection sampling (no modulo bias): the order must not be guessable.
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const limit = 256 - (256 % (i + 1));
    let b: number;
    do b = randomBytes(1)[0]!;
    while (b >= limit);
    const j = b % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
