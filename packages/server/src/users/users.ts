import { actor, type ActorOption, changeWithEvent } from '../audit/index.js';
import type { TwofoldContext } from '../context.js';
import { TwofoldError } from '../errors.js';
import { StoreConflictError } from '../db/conflict.js';
import type { Store } from '../store.js';
import type { UserRecord } from './store.js';
import { randomBytes, toBase64Url } from '../util/encoding.js';
import type { User } from '@twofold/protocol';
import { isStorableText } from '@twofold/protocol/schemas';

export type { User } from '@twofold/protocol';

const toUser = (u: UserRecord): User => ({
  userId: u.id,
  username: u.username,
  displayName: u.displayName,
  createdAt: u.createdAt.toISOString(),
});

/**
 * Usernames are compared after Unicode NFKC normalisation, trimming and lower-casing, so
 * `Ada`, ` ada ` and the full-width `Ａｄａ` are one account.
 */
export const normalizeUsername = (username: string): string => username.normalize('NFKC').trim().toLowerCase();

/**
 * A new user id: 16 random bytes, base64url. The same bytes are the WebAuthn user handle
 * (WebAuthn §5.4.3 `user.id`: random, at most 64 bytes, no personal data).
 */
export const newUserId = (): string => toBase64Url(randomBytes(16));

export interface CreateUserOptions extends ActorOption {
  /** Unique; compared after normalisation (see {@link normalizeUsername}). */
  username: string;
  /** Shown by authenticators; defaults to the username. */
  displayName?: string;
}

export interface RetrieveUserOptions {
  username: string;
}

export interface GetUserOptions {
  userId: string;
}

/** Creates a user. Throws `USERNAME_TAKEN`. */
export async function createUser(ctx: TwofoldContext, options: CreateUserOptions): Promise<User> {
  // The HTTP schema refuses these too; a direct call must not store a U+FFFD in their place.
  for (const value of [options.username, options.displayName ?? '']) {
    if (!isStorableText(value))
      throw new TwofoldError('INVALID_REQUEST', 'username and displayName must be well-formed Unicode without NUL characters.');
  }
  const username = normalizeUsername(options.username);
  const record: UserRecord = {
    id: newUserId(),
    username,
    displayName: options.displayName?.trim() || username,
    createdAt: ctx.now(),
  };
  await changeWithEvent(ctx, async (tx) => {
    await insertUserOrThrow(tx, record);
    return { type: 'user.created', userId: record.id, actor: options.actor ?? actor.system };
  });
  return toUser(record);
}

/** Inserts a user, turning a unique-username conflict into `USERNAME_TAKEN`. */
export async function insertUserOrThrow(store: Store, record: UserRecord): Promise<void> {
  try {
    await store.insertUser(record);
  } catch (error) {
    if (error instanceof StoreConflictError) throw new TwofoldError('USERNAME_TAKEN', 'That username is taken.');
    throw error;
  }
}

/** Finds a user by username. Throws `USER_NOT_FOUND`. */
export async function retrieveUser(ctx: TwofoldContext, options: RetrieveUserOptions): Promise<User> {
  const user = await ctx.store.getUserByUsername(normalizeUsername(options.username));
  if (!user) throw new TwofoldError('USER_NOT_FOUND', 'No user has that username.');
  return toUser(user);
}

/** Loads a user record by id, for modules that act on a user. Throws `USER_NOT_FOUND`. */
export async function requireUser(ctx: TwofoldContext, userId: string): Promise<UserRecord> {
  const user = await ctx.store.getUserById(userId);
  if (!user) throw new TwofoldError('USER_NOT_FOUND', 'No user has that id.');
  return user;
}

/** Finds a user by id. Throws `USER_NOT_FOUND`. */
export async function getUser(ctx: TwofoldContext, options: GetUserOptions): Promise<User> {
  return toUser(await requireUser(ctx, options.userId));
}
