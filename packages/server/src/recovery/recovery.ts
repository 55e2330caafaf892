import type { FaceEvidence } from '@twofold/protocol';
import { actor, recordEvent, type ActorOption, type AuditEvent, countWithEvent, writeWithEvent } from '../audit/index.js';
import { consumeCeremony } from '../ceremonies/index.js';
import { checkCode, redeemCode } from '../codes/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { faceVerified, matchFace, usableFaceTemplate } from '../face/index.js';
import { completeRegistration, startRegistration } from '../webauthn/index.js';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, WithHints } from '../webauthn/index.js';
import type { CeremonyResult } from '@twofold/protocol';
import { assertStrongPin, hashPin } from '../pins/index.js';
import { verifyDeviceProof, type DeviceProof } from '../devicekeys/index.js';
import type { CodeType } from '../codes/store.js';
import type { Store } from '../store.js';
import type { RecoveryFlowRecord, RecoveryKind, RecoveryStep } from './store.js';
import { requireUser } from '../users/index.js';
import { randomId, sha256Base64Url } from '../util/encoding.js';

import type { RecoveryFlow, RecoveryFlowSummary } from '@twofold/protocol';

export type { RecoveryKind, RecoveryStep } from './store.js';
export type { RecoveryFlow, RecoveryFlowSummary } from '@twofold/protocol';

/** How long a flow may take from start to its last step (a face check and a passkey prompt). */
export const RECOVERY_TTL_SECONDS = 900;

const STEPS: Record<RecoveryKind, ('code' | 'pin' | 'face' | 'passkey')[]> = {
  credential_reset: ['pin', 'face', 'passkey'],
  new_device: ['code', 'face', 'passkey'],
};

export interface StartRecoveryOptions {
  userId: string;
  kind: RecoveryKind;
  /** The pre-authorized code a `new_device` flow starts with. */
  code?: { code: string; type: CodeType } | undefined;
  /**
   * A `credential_reset` starts on the user's own device: a device-key proof (purpose
   * `recovery`), checked before anything else (possession, then the face: inherence).
   */
  deviceProof?: DeviceProof | undefined;
  /** The caller's IP address, for the code's per-address limit. */
  clientAddress?: string | undefined;
}

/** Names an open flow by the handle {@link startRecovery} returned. */
export interface RecoveryFlowOptions {
  flowId: string;
}

export type GetRecoveryOptions = RecoveryFlowOptions;
export type AbandonRecoveryOptions = RecoveryFlowOptions;

export interface ChooseRecoveryPinOptions extends RecoveryFlowOptions {
  pin: string;
  /** The caller's IP address, for the per-address PIN limit. */
  clientAddress?: string | undefined;
}

export interface VerifyRecoveryFaceOptions extends RecoveryFlowOptions {
  challengeId: string;
  evidence: FaceEvidence;
  /** The host's sealed template, when the user has no stored one. */
  clientState?: string | undefined;
}

export interface StartRecoveryPasskeyOptions extends RecoveryFlowOptions, WithHints {
  /** A passkey device of this user that the new credential replaces (credential reset). */
  replaceDeviceId?: string | undefined;
}

export interface VerifyRecoveryPasskeyOptions extends RecoveryFlowOptions {
  ceremonyId: string;
  response: RegistrationResponseJSON;
  /** Device name; default: guessed from `userAgent`. */
  name?: string;
  userAgent?: string | null;
}

export interface ListRecoveriesOptions {
  userId: string;
}

export interface CancelRecoveriesOptions extends ActorOption {
  userId: string;
}

/**
 * Starts a recovery flow for `userId`; nothing about the account changes until a later step.
 * - `credential_reset` (the user's device still has their passkey, but its user verification
 *   fails and the PIN is forgotten or locked): choose a new PIN, pass a face check (the PIN is
 *   replaced then, atomically), then register a passkey again on this device.
 * - `new_device` (lost device): the host's first factor is a pre-authorized `code`, checked now
 *   (wrong guesses count) but consumed only when the new passkey is bound; then a face check
 *   (stored template or the host's `clientState`), then a passkey.
 * Returns the flow with its `flowId`, a bearer handle kept only as a hash: keep it to resume.
 * An unknown `userId` is answered like a known one (a credential reset's flow is then never
 * stored; a new-device flow's code is `CODE_INVALID`). Throws `INVALID_REQUEST` and
 * {@link checkCode}'s errors.
 */
export async function startRecovery(ctx: TwofoldContext, options: StartRecoveryOptions): Promise<RecoveryFlow> {
  let codeId: string | null = null;
  if (options.kind === 'credential_reset') {
    await verifyDeviceProof(ctx, { userId: options.userId, purpose: 'recovery', proof: options.deviceProof });
  }
  if (options.kind === 'new_device') {
    if (!options.code)
      throw new TwofoldError('INVALID_REQUEST', 'code: a new-device recovery starts with a code', {
        issues: [{ path: 'code', message: 'required' }],
      });
    codeId = (await checkCode(ctx, { userId: options.userId, ...options.code, clientAddress: options.clientAddress })).code.id;
  }
  const flowId = randomId(18);
  const now = ctx.now();
  const record: RecoveryFlowRecord = {
    idHash: await sha256Base64Url(flowId),
    userId: options.userId,
    kind: options.kind,
    status: 'open',
    step: options.kind === 'new_device' ? 'face' : 'pin',
    codeId,
    stagedPinHash: null,
    faceDeviceId: null,
    faceVerifiedAt: null,
    pinResetAt: null,
    passkeyDeviceId: null,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + RECOVERY_TTL_SECONDS * 1000),
  };
  if (options.kind === 'credential_reset' && !(await ctx.store.getUserById(options.userId))) {
    // An unknown id gets what a known one gets (a flow that is never stored), so starting a
    // reset does not tell whether an id exists.
    return view(ctx, flowId, record);
  }
  await writeWithEvent(ctx, (tx) => tx.insertRecoveryFlow(record), {
    type: 'recovery.started',
    userId: record.userId,
    actor: actor.user(record.userId),
    data: { kind: record.kind },
  });
  return view(ctx, flowId, record);
}

/** The flow's state, to resume it (or show how it ended). Throws `RECOVERY_NOT_FOUND`. */
export async function getRecovery(ctx: TwofoldContext, options: GetRecoveryOptions): Promise<RecoveryFlow> {
  const record = await ctx.store.getRecoveryFlow(await sha256Base64Url(options.flowId));
  if (!record) throw notFound();
  return view(ctx, options.flowId, record);
}

/**
 * Credential reset, step 1: stages the new PIN (hashed). It is staged once: the face step
 * applies exactly the hash it read, so it must not change underneath (to choose another PIN,
 * abandon and start again). The current PIN stays as it is until the face check passes. Each
 * call costs an argon2id hash, so it counts against the per-address PIN limit.
 * Throws `PIN_TOO_WEAK`, `RATE_LIMITED` and the flow errors.
 */
export async function chooseRecoveryPin(ctx: TwofoldContext, options: ChooseRecoveryPinOptions): Promise<RecoveryFlow> {
  const flow = await openFlow(ctx, options.flowId, ['pin']);
  if (flow.kind !== 'credential_reset') throw new TwofoldError('RECOVERY_OUT_OF_ORDER', 'Only a credential reset chooses a new PIN.');
  assertStrongPin(options.pin);
  const stagedPinHash = await hashPin(ctx, options.pin, [[ctx.limiters.pinAddress, options.clientAddress]]);
  const next = await ctx.store.advanceRecoveryFlow({
    idHash: flow.idHash,
    from: ['pin'],
    set: { step: 'face', stagedPinHash },
    now: ctx.now(),
  });
  if (!next) return staleFlow(ctx, options.flowId);
  return view(ctx, options.flowId, next);
}

/**
 * The face step: the face check of `verifyFace` (liveness + match with the stored template or
 * `clientState`), committed with the flow's own change in one transaction. Failed attempts count
 * toward the user's face lock, except in a new-device flow: there they count per code (5 per
 * 15 minutes), so a stranger locking the user's face factor cannot block the code holder. For a
 * credential reset, the staged PIN replaces the old (locked) one right here and a session token
 * (`amr: ["face"]`) is returned. A `new_device` flow only records the match; its temporary
 * client state is consumed when the passkey is bound.
 * Throws the face errors (`FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`, ...) and the flow errors.
 */
export async function verifyRecoveryFace(
  ctx: TwofoldContext,
  options: VerifyRecoveryFaceOptions,
): Promise<{ flow: RecoveryFlow; token?: string }> {
  const flow = await openFlow(ctx, options.flowId, ['face']);
  const match = await matchFace(ctx, {
    challengeId: options.challengeId,
    userId: flow.userId,
    evidence: options.evidence,
    clientState: options.clientState,
    // Past its code, a new-device recovery has its own budget of face attempts (per code).
    ...(flow.codeId && { attemptsKey: `code:${flow.codeId}` }),
  });
  const reset = flow.kind === 'credential_reset';
  const now = ctx.now();
  const result = await ctx.store.transaction(async (tx) => {
    const next = await tx.advanceRecoveryFlow({
      idHash: flow.idHash,
      from: ['face'],
      set: { step: 'passkey', faceDeviceId: match.deviceId, faceVerifiedAt: now, stagedPinHash: null, ...(reset && { pinResetAt: now }) },
      now,
    });
    if (!next) return null;
    const events = [await faceVerified(ctx, tx, match)];
    if (reset) {
      if (match.temporary && !(await tx.useFaceTemplate(match.deviceId, now))) {
        throw new TwofoldError('CLIENT_STATE_INVALID', 'This temporary face state was already used or expired.');
      }
      await tx.setPin(flow.userId, flow.stagedPinHash!, now);
      // A credential reset ends every session of the account: whoever held one (or the PIN) is out.
      const revoked = await ctx.tokens.revoke({ userId: flow.userId }, tx);
      events.push(
        await recordEvent(ctx, tx, {
          type: 'pin.reset',
          userId: flow.userId,
          actor: actor.user(flow.userId),
          data: { via: 'face', sessionsRevoked: revoked },
        }),
      );
    }
    return { next, events };
  });
  if (!result) return { flow: await staleFlow(ctx, options.flowId) };
  ctx.notify(result.events);
  if (reset) ctx.tokens.forget(flow.userId); // revoked in the transaction: drop what this process cached since
  return {
    flow: await view(ctx, options.flowId, result.next),
    ...(reset && { token: await ctx.tokens.issue({ userId: flow.userId, amr: ['face'], deviceId: match.deviceId }) }),
  };
}

/**
 * The passkey step, part 1: registration options for the flow's user. `replaceDeviceId` names
 * the passkey device this one replaces (a credential reset on the same device: its old passkey
 * is removed when the new one is bound). Throws `DEVICE_NOT_FOUND` and the flow errors.
 */
export async function startRecoveryPasskey(
  ctx: TwofoldContext,
  options: StartRecoveryPasskeyOptions,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const flow = await openFlow(ctx, options.flowId, ['passkey']);
  const user = await requireUser(ctx, flow.userId);
  if (options.replaceDeviceId !== undefined && (await ctx.store.getDevice(flow.userId, options.replaceDeviceId))?.type !== 'passkey') {
    throw new TwofoldError('DEVICE_NOT_FOUND', 'replaceDeviceId: no such passkey device for this user.');
  }
  return startRegistration(
    ctx,
    user,
    false,
    { via: 'recovery', flow: flow.idHash, replaces: options.replaceDeviceId ?? null },
    {
      ...(options.replaceDeviceId && { replacing: options.replaceDeviceId }),
      ...(options.hints && { hints: options.hints }),
    },
  );
}

/**
 * The passkey step, part 2: verifies the attestation, then in one transaction binds the
 * passkey, completes the flow, and for a `new_device` flow consumes the code and a temporary
 * face state; a replaced device is removed. The token's `amr` is `["code", "face"]` for a new
 * device and `["face"]` for a credential reset.
 * Throws the registration errors, the code errors (the code may have been used meanwhile),
 * `CLIENT_STATE_INVALID` (the matched face device was removed) and the flow errors.
 */
export async function verifyRecoveryPasskey(
  ctx: TwofoldContext,
  options: VerifyRecoveryPasskeyOptions,
): Promise<CeremonyResult & { flow: RecoveryFlow }> {
  const ceremony = await consumeCeremony(ctx, options.ceremonyId, 'registration');
  const flow = await openFlow(ctx, options.flowId, ['passkey']);
  const data = ceremony.data as { via?: string; flow?: string; replaces?: string | null };
  if (data.via !== 'recovery' || data.flow !== flow.idHash)
    throw new TwofoldError('CEREMONY_MISMATCH', 'This ceremony was not started for this recovery flow.');
  const newDevice = flow.kind === 'new_device';
  const result = await completeRegistration(ctx, {
    ceremony: { ...ceremony, userId: flow.userId },
    response: options.response,
    ...(options.name !== undefined && { name: options.name }),
    userAgent: options.userAgent ?? null,
    amr: newDevice ? ['code', 'face'] : ['face'],
    recoveredAt: ctx.now(), // the bind step counts as a step-up for the next few minutes
    extraEvents: (tx, deviceId) => bindEffects(ctx, tx, flow, deviceId, data.replaces ?? null),
  });
  if (newDevice) await ctx.limiters.codeUser.reset(flow.userId);
  if (data.replaces) ctx.tokens.forget(flow.userId); // the replaced device's sessions were revoked in the transaction
  return { ...result, flow: await getRecovery(ctx, { flowId: options.flowId }) };
}

/** Everything binding a recovery passkey changes besides the passkey itself (inside its transaction). */
async function bindEffects(
  ctx: TwofoldContext,
  tx: Store,
  flow: RecoveryFlowRecord,
  deviceId: string,
  replaces: string | null,
): Promise<AuditEvent[]> {
  const now = ctx.now();
  const who = actor.user(flow.userId);
  const done = await tx.advanceRecoveryFlow({
    idHash: flow.idHash,
    from: ['passkey'],
    set: { step: 'done', status: 'completed', passkeyDeviceId: deviceId },
    now,
  });
  if (!done) throw new TwofoldError('RECOVERY_CLOSED', 'This recovery flow ended while the passkey was being created.');
  const events: AuditEvent[] = [];
  if (flow.kind === 'new_device') {
    events.push(await redeemCode(ctx, tx, { codeId: flow.codeId!, userId: flow.userId, deviceId }));
    const template = await usableFaceTemplate(tx, { userId: flow.userId, deviceId: flow.faceDeviceId, now });
    // The face that matched must still be enrolled; a temporary state is used up by this binding.
    if (!template || (template.expiresAt && !(await tx.useFaceTemplate(template.deviceId, now)))) {
      throw new TwofoldError('CLIENT_STATE_INVALID', 'The face state used in this flow was removed, used or has expired.');
    }
  }
  if (replaces) {
    const old = await tx.getDevice(flow.userId, replaces);
    if (old && (await tx.deleteDevice(flow.userId, replaces))) {
      await ctx.tokens.revoke({ userId: flow.userId, deviceId: replaces }, tx); // the replaced device's sessions end with it
      events.push(
        await recordEvent(ctx, tx, {
          type: 'device.removed',
          userId: flow.userId,
          deviceId: replaces,
          actor: who,
          data: { type: old.type, name: old.name, replacedBy: deviceId },
        }),
      );
    }
  }
  events.push(
    await recordEvent(ctx, tx, { type: 'recovery.completed', userId: flow.userId, deviceId, actor: who, data: { kind: flow.kind } }),
  );
  return events;
}

/**
 * Abandons an open flow: a staged PIN is dropped and nothing else changes (a credential reset
 * whose face check passed keeps its new PIN: that step was complete in itself). Abandoning an
 * abandoned or expired flow is a no-op. Throws `RECOVERY_NOT_FOUND`, `RECOVERY_CLOSED` (completed).
 */
export async function abandonRecovery(ctx: TwofoldContext, options: AbandonRecoveryOptions): Promise<void> {
  const idHash = await sha256Base64Url(options.flowId);
  const event = await ctx.store.transaction(async (tx) => {
    const flow = await tx.advanceRecoveryFlow({
      idHash,
      from: ['pin', 'face', 'passkey'],
      set: { status: 'abandoned', stagedPinHash: null },
      now: ctx.now(),
    });
    return (
      flow &&
      recordEvent(ctx, tx, {
        type: 'recovery.abandoned',
        userId: flow.userId,
        actor: actor.user(flow.userId),
        data: { kind: flow.kind, step: flow.step },
      })
    );
  });
  if (event) return ctx.notify([event]);
  const flow = await getRecovery(ctx, options);
  if (flow.status === 'completed') throw new TwofoldError('RECOVERY_CLOSED', 'This recovery flow is already completed.');
}

/** The user's ten most recent recovery flows, newest first (for support). Throws `USER_NOT_FOUND`. */
export async function listRecoveries(ctx: TwofoldContext, options: ListRecoveriesOptions): Promise<RecoveryFlowSummary[]> {
  await requireUser(ctx, options.userId);
  const now = ctx.now().getTime();
  return (await ctx.store.listRecoveryFlows(options.userId, 10)).map((r) => ({
    kind: r.kind,
    status: r.status === 'open' && r.expiresAt.getTime() <= now ? 'expired' : r.status,
    step: r.step,
    pinReset: r.pinResetAt !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

/**
 * Cancels every open flow of the user (the customer says they did not start it): staged PINs
 * are dropped and the handles stop working. Throws `USER_NOT_FOUND`.
 */
export async function cancelRecoveries(ctx: TwofoldContext, options: CancelRecoveriesOptions): Promise<{ cancelled: number }> {
  await requireUser(ctx, options.userId);
  return countWithEvent(ctx, 'recovery.cancelled', options, 'cancelled', (tx) => tx.abandonRecoveryFlows(options.userId, ctx.now()));
}

/** Loads a flow that must be open, unexpired and at one of `steps`; throws the matching flow error. */
async function openFlow(ctx: TwofoldContext, flowId: string, steps: RecoveryStep[]): Promise<RecoveryFlowRecord> {
  const record = await ctx.store.getRecoveryFlow(await sha256Base64Url(flowId));
  if (!record) throw notFound();
  if (record.status !== 'open')
    throw new TwofoldError('RECOVERY_CLOSED', `This recovery flow is ${record.status}.`, { status: record.status });
  if (record.expiresAt.getTime() <= ctx.now().getTime())
    throw new TwofoldError('RECOVERY_EXPIRED', 'This recovery flow expired; start again.');
  if (!steps.includes(record.step)) {
    throw new TwofoldError('RECOVERY_OUT_OF_ORDER', `This step is not next: the next step is "${record.step}".`, { step: record.step });
  }
  return record;
}

/** A guarded step change lost a race (or the clock moved): report the flow's state now. */
async function staleFlow(ctx: TwofoldContext, flowId: string): Promise<never> {
  await openFlow(ctx, flowId, []);
  throw new TwofoldError('RECOVERY_OUT_OF_ORDER', 'Another request moved this recovery flow on.');
}

const notFound = () => new TwofoldError('RECOVERY_NOT_FOUND', 'No such recovery flow.');

async function view(ctx: TwofoldContext, flowId: string, r: RecoveryFlowRecord): Promise<RecoveryFlow> {
  const steps = STEPS[r.kind];
  const next = r.step === 'done' ? steps.length : steps.indexOf(r.step);
  const expired = r.status === 'open' && r.expiresAt.getTime() <= ctx.now().getTime();
  return {
    flowId,
    userId: r.userId,
    kind: r.kind,
    status: expired ? 'expired' : r.status,
    step: r.step,
    steps: steps.map((name, i) => ({ name, done: i < next })),
    pinReset: r.pinResetAt !== null,
    faceEnrolled: (await ctx.store.listFaceTemplates(r.userId, ctx.now())).length > 0,
    deviceId: r.passkeyDeviceId,
    expiresAt: r.expiresAt.toISOString(),
  };
}
