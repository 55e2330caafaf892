import { actor, newEvent, type ActorOption, writeWithEvent } from '../audit/index.js';
import { beginCeremony, consumeCeremony } from '../ceremonies/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { requireUser } from '../users/index.js';
import {
  authenticationOptions,
  listedFor,
  verifyAssertion,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '../webauthn/index.js';
import { checkPin } from '../pins/index.js';
import { verifyDeviceProof, type DeviceProof } from '../devicekeys/index.js';
import type { GetTransactionResponse } from '@twofold/protocol';
import type { TransactionRecord } from './store.js';
import type { SessionClaims } from '../sessions/index.js';
import { randomId, toBase64Url } from '../util/encoding.js';

export interface CreateTransactionOptions extends ActorOption {
  userId: string;
  /** Shown to the user, and bound into the WebAuthn challenge. */
  message: string;
  /** Any JSON value (≤ 4 KiB), released once to the first successful confirmation. */
  context: unknown;
  /** 30..3600 s, default 300. */
  ttlSeconds?: number;
  /** Whether the user's PIN may confirm it instead of a passkey. Default true. */
  allowPin?: boolean;
}

export interface GetTransactionOptions {
  transactionId: string;
}

/** A user acting on their own pending transaction. */
export interface TransactionSessionOptions {
  transactionId: string;
  /** The verified session of the transaction's user. */
  session: SessionClaims;
}

export type StartTransactionConfirmationOptions = TransactionSessionOptions;
export type DenyTransactionOptions = TransactionSessionOptions;

/** Either a passkey assertion (`ceremonyId` + `response`) or, where allowed, the `pin`. */
export interface ConfirmTransactionOptions extends TransactionSessionOptions {
  ceremonyId?: string;
  response?: AuthenticationResponseJSON;
  pin?: string;
  /** With `pin`: a device-key proof (purpose `transaction`); required, checked before the PIN is counted. */
  deviceProof?: DeviceProof | undefined;
  /** The caller's IP address, for the PIN's per-address limit. */
  clientAddress?: string | undefined;
}

const MAX_CONTEXT_BYTES = 4096;
const sealContext = (id: string) => `twofold:transaction-context:${id}`;

/**
 * Creates a step-up transaction for `userId`: `message` is shown to the user, `context` (any
 * JSON value, ≤ 4 KiB — e.g. a card PIN) is sealed at rest and released only to the first
 * successful confirmation before expiry. Needs secret keys (`NOT_CONFIGURED` otherwise).
 * Throws `USER_NOT_FOUND`, `INVALID_REQUEST`.
 */
export async function createTransaction(
  ctx: TwofoldContext,
  options: CreateTransactionOptions,
): Promise<{ transactionId: string; expiresAt: string }> {
  if (!ctx.keyring)
    throw new TwofoldError(
      'NOT_CONFIGURED',
      'Transactions need secret keys to seal their context: set the `secretKeys` option of createTwofold.',
    );
  const ttl = options.ttlSeconds ?? 300;
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 3600)
    throw new TwofoldError('INVALID_REQUEST', 'ttlSeconds must be an integer from 30 to 3600.');
  const bytes = new TextEncoder().encode(JSON.stringify(options.context ?? null));
  if (bytes.length > MAX_CONTEXT_BYTES)
    throw new TwofoldError('INVALID_REQUEST', `context must be at most ${MAX_CONTEXT_BYTES} bytes of JSON.`);
  await requireUser(ctx, options.userId);
  const id = randomId(16);
  const now = ctx.now();
  const record: TransactionRecord = {
    id,
    userId: options.userId,
    message: options.message,
    sealedContext: await ctx.keyring.seal(bytes, sealContext(id)),
    allowPin: options.allowPin ?? true,
    nonce: randomId(16),
    status: 'pending',
    method: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl * 1000),
    decidedAt: null,
  };
  const event = {
    type: 'transaction.created',
    userId: options.userId,
    actor: options.actor ?? actor.system,
    data: { transactionId: id },
  } as const;
  await writeWithEvent(ctx, (tx) => tx.insertTransaction(record), event);
  return { transactionId: id, expiresAt: record.expiresAt.toISOString() };
}

const view = (t: TransactionRecord, now: Date): GetTransactionResponse => ({
  transactionId: t.id,
  status: t.status === 'pending' && t.expiresAt.getTime() <= now.getTime() ? 'expired' : t.status,
  ...(t.method && { method: t.method as 'passkey' | 'pin' }),
  ...(t.decidedAt && { decidedAt: t.decidedAt.toISOString() }),
});

/** The outcome of a transaction, for its backend. Throws `TRANSACTION_NOT_FOUND`. */
export async function getTransaction(ctx: TwofoldContext, options: GetTransactionOptions): Promise<GetTransactionResponse> {
  const t = await ctx.store.getTransaction(options.transactionId);
  if (!t) throw new TwofoldError('TRANSACTION_NOT_FOUND', 'No such transaction.');
  return view(t, ctx.now());
}

/** Loads a pending transaction of the session's user; others look like they do not exist. */
async function pendingFor(ctx: TwofoldContext, transactionId: string, session: SessionClaims): Promise<TransactionRecord> {
  const t = await ctx.store.getTransaction(transactionId);
  if (!t || t.userId !== session.userId) throw new TwofoldError('TRANSACTION_NOT_FOUND', 'No such transaction for this user.');
  return assertPending(t, ctx.now());
}

function assertPending(t: TransactionRecord, now: Date): TransactionRecord {
  if (t.status !== 'pending') throw new TwofoldError('TRANSACTION_DECIDED', `This transaction was already ${t.status}.`);
  if (t.expiresAt.getTime() <= now.getTime()) throw new TwofoldError('TRANSACTION_EXPIRED', 'This transaction has expired.');
  return t;
}

// The challenge is bound to the transaction: SHA-256 over its id, message and server nonce, and
// a per-ceremony nonce (each options call gets a fresh challenge). An assertion made for a
// sign-in or another transaction cannot verify here.
async function boundChallenge(t: TransactionRecord, ceremonyNonce: string): Promise<Uint8Array<ArrayBuffer>> {
  const input = new TextEncoder().encode(['twofold-transaction-v1', t.id, t.message, t.nonce, ceremonyNonce].join('\0'));
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input));
}

/**
 * WebAuthn options for confirming a transaction with a passkey: the challenge is bound to the
 * transaction and `allowCredentials` lists only the user's own passkeys.
 * Throws `TRANSACTION_NOT_FOUND`, `TRANSACTION_DECIDED`, `TRANSACTION_EXPIRED`.
 */
export async function startTransactionConfirmation(
  ctx: TwofoldContext,
  options: StartTransactionConfirmationOptions,
): Promise<{ ceremonyId: string; message: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const t = await pendingFor(ctx, options.transactionId, options.session);
  const passkeys = await ctx.store.listPasskeys(t.userId);
  const ceremonyNonce = randomId(16);
  const request = await authenticationOptions(ctx, {
    allow: passkeys,
    challenge: await boundChallenge(t, ceremonyNonce),
    timeout: Math.min(ctx.ceremonyTtlSeconds * 1000, t.expiresAt.getTime() - ctx.now().getTime()),
  });
  const ceremony = await beginCeremony(ctx, {
    kind: 'transaction',
    challenge: request.challenge,
    userId: t.userId,
    data: { transactionId: t.id, ceremonyNonce, allow: passkeys.map((p) => p.credentialId) },
  });
  return { ceremonyId: ceremony.id, message: t.message, options: request };
}

/**
 * Confirms a transaction with a passkey assertion (from {@link generateTransactionOptions}) or,
 * where the transaction allows it, the user's PIN. The first successful confirmation before
 * expiry gets the context; every later one gets `TRANSACTION_DECIDED`.
 * Throws also the ceremony, assertion and PIN errors.
 */
export async function confirmTransaction(
  ctx: TwofoldContext,
  options: ConfirmTransactionOptions,
): Promise<{ status: 'approved'; context: unknown }> {
  const t = await pendingFor(ctx, options.transactionId, options.session);
  let method: 'passkey' | 'pin';
  if (options.pin !== undefined) {
    if (!t.allowPin) throw new TwofoldError('PIN_NOT_ALLOWED', 'This transaction must be confirmed with a passkey.');
    // The PIN is device-bound: without a proof by one of the user's device keys nothing is counted.
    await verifyDeviceProof(ctx, { userId: t.userId, purpose: 'transaction', proof: options.deviceProof });
    await checkPin(ctx, { userId: t.userId, pin: options.pin, clientAddress: options.clientAddress });
    method = 'pin';
  } else {
    if (!options.ceremonyId || !options.response) throw new TwofoldError('INVALID_REQUEST', 'Send {ceremonyId, response} or {pin}.');
    const [ceremony, passkey] = await Promise.all([
      consumeCeremony(ctx, options.ceremonyId, 'transaction'),
      ctx.passkeyCache.get(options.response.id),
    ]);
    const data = ceremony.data as { transactionId?: string; ceremonyNonce?: string };
    if (data.transactionId !== t.id || !data.ceremonyNonce)
      throw new TwofoldError('CEREMONY_MISMATCH', 'This ceremony is for another transaction.');
    if (ceremony.challenge !== toBase64Url(await boundChallenge(t, data.ceremonyNonce))) {
      throw new TwofoldError('CEREMONY_MISMATCH', 'The challenge is not bound to this transaction.');
    }
    const allow = (ceremony.data.allow as string[] | undefined) ?? [];
    await verifyAssertion(ctx, {
      ceremony,
      passkey,
      response: options.response,
      allowed: listedFor(t.userId, allow), // only the transaction user's own passkeys
      event: { type: 'passkey.step_up', data: { transactionId: t.id } },
    });
    method = 'passkey';
  }
  const event = newEvent(ctx, {
    type: 'transaction.approved',
    userId: t.userId,
    actor: actor.user(t.userId),
    data: { transactionId: t.id, method },
  });
  const decided = await ctx.store.decideTransaction({ id: t.id, status: 'approved', method, now: event.at, event });
  if (!decided) {
    const now = await ctx.store.getTransaction(t.id);
    assertPending(now ?? t, ctx.now());
    throw new TwofoldError('TRANSACTION_DECIDED', 'This transaction was already decided.');
  }
  const context = decided.sealedContext
    ? JSON.parse(new TextDecoder().decode(await ctx.keyring!.open(decided.sealedContext, sealContext(t.id))))
    : null;
  ctx.notify([event]);
  return { status: 'approved', context };
}

/** The user declines the transaction; the context is erased. Throws like {@link confirmTransaction}. */
export async function denyTransaction(ctx: TwofoldContext, options: DenyTransactionOptions): Promise<{ status: 'denied' }> {
  const t = await pendingFor(ctx, options.transactionId, options.session);
  const event = newEvent(ctx, { type: 'transaction.denied', userId: t.userId, actor: actor.user(t.userId), data: { transactionId: t.id } });
  if (!(await ctx.store.decideTransaction({ id: t.id, status: 'denied', method: null, now: event.at, event }))) {
    throw new TwofoldError('TRANSACTION_DECIDED', 'This transaction was already decided.');
  }
  ctx.notify([event]);
  return { status: 'denied' };
}
