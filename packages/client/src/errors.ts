import type { ErrorCode, Problem } from '@twofold/protocol';

/** The codes the client itself throws; the server never sends them. */
export type BrowserErrorCode =
  /** WebAuthn (or autofill) is not available in this browser. */
  | 'NOT_SUPPORTED'
  /** The ceremony was aborted: by your AbortSignal, or because another ceremony started. */
  | 'ABORTED'
  /** The user dismissed the prompt, it timed out, or no credential was usable (NotAllowedError). */
  | 'CANCELLED'
  /** This authenticator already holds a passkey for the account (excludeCredentials). */
  | 'AUTHENTICATOR_ALREADY_REGISTERED'
  /** The page's origin does not match the server's RP ID (wrong domain, or http://127.0.0.1). */
  | 'INVALID_DOMAIN'
  /** The server could not be reached or answered something that is not the Twofold API. */
  | 'NETWORK_ERROR'
  /** The authenticator failed in some other way. */
  | 'AUTHENTICATOR_ERROR'
  /** The face capture saw no complete liveness session in time (`@twofold/client/face`). */
  | 'FACE_TIMEOUT';

/**
 * Every code a {@link TwofoldClientError} can carry: the server's problem `code` (an
 * {@link ErrorCode} of `@twofold/protocol`, e.g. `USERNAME_TAKEN`, `CHALLENGE_EXPIRED`) or one of
 * the {@link BrowserErrorCode}s.
 */
export type ClientErrorCode = ErrorCode | BrowserErrorCode;

/** The options of a {@link TwofoldClientError} beyond its code and message. */
export interface TwofoldClientErrorOptions {
  /** HTTP status of a server error. */
  status?: number;
  /** The server's problem+json body. */
  problem?: Problem;
  /** The error this one wraps. */
  cause?: unknown;
}

/** Every error the client throws: a {@link ClientErrorCode} and a human-readable message. */
export class TwofoldClientError extends Error {
  override readonly name = 'TwofoldClientError';
  readonly code: ClientErrorCode;
  /** HTTP status for server errors. */
  readonly status: number | undefined;
  /** The server's problem+json body, when there was one (e.g. `attemptsRemaining`, `retryAfterSeconds`). */
  readonly problem: Problem | undefined;

  constructor(code: ClientErrorCode, message: string, options: TwofoldClientErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.problem = options.problem;
  }
}

/**
 * True when `error` is a {@link TwofoldClientError}, optionally with one of `codes` (a type
 * guard: the value it inspects comes first, as with `Array.isArray`).
 */
export function isTwofoldClientError(error: unknown, ...codes: ClientErrorCode[]): error is TwofoldClientError {
  return error instanceof TwofoldClientError && (codes.length === 0 || codes.includes(error.code));
}
