/**
 * Every error the client throws is a {@link TwofoldClientError} with a `code`: either the
 * server's problem `code` (e.g. `USERNAME_TAKEN`, `CHALLENGE_EXPIRED`) or one of the
 * browser-side codes below.
 */
export type ClientErrorCode =
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
  | 'AUTHENTICATOR_ERROR';

export class TwofoldClientError extends Error {
  override readonly name = 'TwofoldClientError';
  /** A {@link ClientErrorCode} or a server problem code. */
  readonly code: ClientErrorCode | (string & {});
  /** HTTP status for server errors. */
  readonly status: number | undefined;
  /** The server's problem+json body, when there was one. */
  readonly problem: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { status?: number; problem?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.problem = options.problem;
  }
}

/** True when `error` is a {@link TwofoldClientError}, optionally with one of `codes`. */
export function isTwofoldClientError(error: unknown, ...codes: string[]): error is TwofoldClientError {
  return error instanceof TwofoldClientError && (codes.length === 0 || codes.includes(error.code));
}
