import { actor, recordEvent, writeWithEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/index.js';
import { requireStepUp, type SessionClaims } from '../sessions/index.js';
import { enforceLimits, type LimitChecks } from '../ratelimits/index.js';
import { randomBytes } from '../util/encoding.js';
import { verifyDeviceProof, type DeviceProof } from '../devicekeys/index.js';

export { DEFAULT_PIN_SETTINGS, type PinSettings } from './settings.js';
export { ARGON2_PARAMS, createHashGate, inlinePinHasher, type HashGate, type HashGateOptions, type PinHasher } from './hashing.js';

/** PINs that are all one digit or a run up or down (1234, 9876, 0000) are refused. */
export function isWeakPin(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add((pin.charCodeAt(i) - pin.charCodeAt(i - 1) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

/** Throws `PIN_TOO_WEAK` for a PIN that is one digit repeated or a simple run (see {@link isWeakPin}). */
export function assertStrongPin(pin: string): void {
  if (isWeakPin(pin)) throw new TwofoldError('PIN_TOO_WEAK', 'Choose a PIN that is not one digit repeated or a simple sequence.');
}

/**
 * Hashes a PIN with argon2id (encoded, with its salt and parameters) for {@link Store.setPin};
 * refuses a weak one. Runs on the instance's PIN hasher behind its gate (at most
 * `pins.hashConcurrency` at once; `SERVER_BUSY` when `pins.hashQueue` callers already wait),
 * counting `limits` once it has its place (`RATE_LIMITED`).
 */
export async function hashPin(ctx: TwofoldContext, pin: string, limits: LimitChecks = []): Promise<string> {
  assertStrongPin(pin);
  return gated(ctx, limits, () => ctx.pinHashing.hasher.hash({ password: pin, salt: randomBytes(16) }));
}

/**
 * Takes a place at the hash gate (`SERVER_BUSY` at once when it is full), then counts `limits`
 * (`RATE_LIMITED`), then runs `task` in that place: a busy server refuses before any rate-limit
 * point or attempt is spent, and a refused limit gives the place back.
 */
async function gated<T>(ctx: TwofoldContext, limits: LimitChecks, task: () => Promise<T>): Promise<T> {
  const ticket = ctx.pinHashing.gate.admit();
  try {
    await enforceLimits(limits);
  } catch (error) {
    ticket.cancel();
    throw error;
  }
  return ticket.run(task);
}

export interface SetPinOptions {
  /** The signed-in user's verified session (its `amr` and age decide whether a PIN may be replaced). */
  session: SessionClaims;
  /** 4–12 digits, not trivial. */
  pin: string;
  /** The caller's IP address, for the per-address limit. */
  clientAddress?: string | undefined;
}

export interface VerifyPinOptions {
  userId: string;
  pin: string;
  /**
   * A signature by one of the user's device keys over a fresh challenge (`POST
   * /device-keys/challenge`, purpose `pin`): the PIN is bound to the user's devices, so a
   * stranger who knows only the user id cannot spend its attempts.
   */
  deviceProof?: DeviceProof | undefined;
  /** The caller's IP address, for the per-address limit. */
  clientAddress?: string | undefined;
}

/** {@link checkPin}'s options. */
export interface CheckPinOptions extends Omit<VerifyPinOptions, 'deviceProof'> {
  /**
   * Answer an unknown user or a user without a PIN as if they had a PIN and this guess were
   * wrong: the same slow hash, `PIN_INVALID` with a decoy `attemptsRemaining`, then `PIN_LOCKED`
   * after as many guesses (for callers who may not know the user exists, such as PIN sign-in).
   * Default false: a signed-in caller gets `USER_NOT_FOUND` / `PIN_NOT_SET`.
   */
  conceal?: boolean;
}

// An argon2id hash of a random secret nobody knows, with the same parameters as real ones: an
// unknown user's PIN is checked against it, so the answer takes as long as a wrong PIN's.
const DECOY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$EKPk4QygwWik4n6KNL2fFg$mAKpXFeQV7rnkIZM+ldfIJl3ofZoSspNtqN6mDNd34c';

export interface GetPinStatusOptions {
  userId: string;
}

/**
 * Sets the signed-in user's PIN. Replacing an existing (or locked) PIN needs the step-up rule
 * (`requireStepUp`: a passkey sign-in at most 5 minutes old, or a recovery bind step).
 * Throws `PIN_TOO_WEAK`, `REAUTHENTICATION_REQUIRED`, `USER_NOT_FOUND`, and `RATE_LIMITED` (changes
 * per user and per address are limited: each one is a slow hash).
 */
export async function setPin(ctx: TwofoldContext, options: SetPinOptions): Promise<void> {
  const { session, pin } = options;
  assertStrongPin(pin);
  if (!(await ctx.store.getUserById(session.userId))) throw new TwofoldError('USER_NOT_FOUND', 'This account no longer exists.');
  const existing = await ctx.store.getPin(session.userId);
  // A PIN, face or code session cannot replace the PIN: only a fresh passkey (or a recovery
  // flow's bind step, whose own PIN step is the usual way to reset it).
  if (existing) requireStepUp(session, ctx.now(), 'Replacing a PIN');
  // The slow hash (argon2id) only once the request is allowed, and only so often: a session
  // must not be able to spend the server's CPU on it at will.
  const hash = await hashPin(ctx, pin, [
    [ctx.limiters.pinChangeUser, session.userId],
    [ctx.limiters.pinAddress, options.clientAddress],
  ]);
  await writeWithEvent(ctx, (tx) => tx.setPin(session.userId, hash, ctx.now()), {
    type: existing ? 'pin.replaced' : 'pin.set',
    userId: session.userId,
    actor: actor.user(session.userId),
    data: { wasLocked: Boolean(existing?.lockedAt), via: session.amr },
  });
}

/**
 * Checks a PIN with the attempt accounting shared by PIN sign-in and PIN-confirmed
 * transactions: an attempt slot is claimed before the (slow) hash check, so parallel guesses
 * cannot exceed the limit; the last allowed wrong PIN locks it; a locked PIN refuses even the
 * right one. Throws `RATE_LIMITED`, `USER_NOT_FOUND`, `PIN_NOT_SET`, `PIN_INVALID`
 * (with `attemptsRemaining`), `PIN_LOCKED`; with `conceal`, `PIN_INVALID` (no details) in place
 * of the first two and of a wrong PIN. `SERVER_BUSY` when the hash gate's queue is full: then
 * nothing is counted (the place is taken before the rate limits and the attempt).
 */
export async function checkPin(ctx: TwofoldContext, options: CheckPinOptions): Promise<void> {
  // The whole check holds one hash slot, taken first: a busy server refuses before anything
  // (a rate-limit point, an attempt) is counted.
  await gated(
    ctx,
    [
      [ctx.limiters.pinUser, options.userId],
      [ctx.limiters.pinAddress, options.clientAddress],
    ],
    () => checkPinInSlot(ctx, options),
  );
}

async function checkPinInSlot(ctx: TwofoldContext, options: CheckPinOptions): Promise<void> {
  const { userId } = options;
  const { hasher } = ctx.pinHashing;
  if (options.conceal) {
    const [user, pin] = await Promise.all([ctx.store.getUserById(userId), ctx.store.getPin(userId)]);
    if (!user || !pin) {
      await hasher.verify({ password: options.pin, hash: DECOY_HASH }); // as long as a real check
      const decoy = await ctx.limiters.pinDecoy.consume(userId);
      if (!decoy.allowed) throw pinLocked();
      if (decoy.remaining === 0) throw pinLockedNow();
      throw new TwofoldError('PIN_INVALID', 'That PIN is wrong.', { attemptsRemaining: decoy.remaining });
    }
  }
  await requireUser(ctx, userId);
  const max = ctx.pins.maxAttempts;
  const claimed = await ctx.store.claimPinAttempt(userId, max);
  if (!claimed) {
    const pin = await ctx.store.getPin(userId);
    if (!pin) throw new TwofoldError('PIN_NOT_SET', 'This account has no PIN.');
    if (pin.lockedAt) throw pinLocked();
    // Every remaining attempt is being checked right now (parallel requests): not locked, busy.
    throw new TwofoldError('RATE_LIMITED', 'Other PIN checks for this account are in progress; try again in a moment.', {
      retryAfterSeconds: 1,
    });
  }
  if (await hasher.verify({ password: options.pin, hash: claimed.hash })) {
    await ctx.store.clearPinAttempts(userId);
    return;
  }
  const attemptsRemaining = Math.max(0, max - claimed.failedAttempts);
  if (await ctx.store.lockPinIfExhausted(userId, max, ctx.now())) {
    ctx.notify([
      await recordEvent(ctx, ctx.store, { type: 'pin.locked', userId, actor: actor.system, data: { attempts: claimed.failedAttempts } }),
    ]);
  }
  if (attemptsRemaining === 0) throw pinLockedNow();
  ctx.notify([await recordEvent(ctx, ctx.store, { type: 'pin.wrong', userId, actor: actor.system, data: { attemptsRemaining } })]);
  throw new TwofoldError('PIN_INVALID', 'That PIN is wrong.', { attemptsRemaining });
}

// One wording for real and decoy answers (see CheckPinOptions.conceal).
const pinLocked = () =>
  new TwofoldError('PIN_LOCKED', 'The PIN is locked after too many wrong attempts. Reset it with a passkey, face or code.', {
    attemptsRemaining: 0,
  });
const pinLockedNow = () =>
  new TwofoldError('PIN_LOCKED', 'That PIN is wrong, and the PIN is now locked. Reset it with a passkey, face or code.', {
    attemptsRemaining: 0,
  });

/**
 * PIN sign-in on a bound device: first the device-key proof (`DEVICE_PROOF_REQUIRED`,
 * `DEVICE_PROOF_INVALID`; nothing is counted before it passes), then the PIN; returns a session
 * token with `amr: ["pin"]`, bound to the device the key belongs to (removing it ends the
 * session). An unknown user and a user without a PIN are answered as a wrong PIN would be (same
 * slow hash, `PIN_INVALID` with `attemptsRemaining`, then `PIN_LOCKED`) — though without a device
 * key of theirs, nobody gets that far.
 */
export async function verifyPin(ctx: TwofoldContext, options: VerifyPinOptions): Promise<{ token: string }> {
  const key = await verifyDeviceProof(ctx, { userId: options.userId, purpose: 'pin', proof: options.deviceProof });
  const { deviceProof: _proof, ...pinOptions } = options;
  await checkPin(ctx, { ...pinOptions, conceal: true });
  const event = await recordEvent(ctx, ctx.store, {
    type: 'user.signed_in',
    userId: options.userId,
    actor: actor.user(options.userId),
    data: { method: 'pin' },
  });
  ctx.notify([event]);
  return { token: await ctx.tokens.issue({ userId: options.userId, amr: ['pin'], deviceId: key.deviceId }) };
}

/** Whether the user has a PIN, and whether it is locked. */
export async function getPinStatus(ctx: TwofoldContext, { userId }: GetPinStatusOptions): Promise<{ set: boolean; locked: boolean }> {
  const pin = await ctx.store.getPin(userId);
  return { set: Boolean(pin), locked: Boolean(pin?.lockedAt) };
}
