/**
 * Typed error codes. Every failure that crosses a module boundary is a {@link TwofoldError}
 * with one of these stable codes; the HTTP layer maps codes to statuses in one place
 * (`http/problem.ts`), so domain code never thinks about HTTP.
 */
export const ERROR_CODES = [
  // input
  'INVALID_REQUEST',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  // auth
  'UNAUTHENTICATED',
  'INVALID_TOKEN',
  'INSUFFICIENT_SCOPE',
  'REGISTRATION_CLOSED',
  // users & devices
  'USERNAME_TAKEN',
  'USER_NOT_FOUND',
  'DEVICE_NOT_FOUND',
  // ceremonies
  'CHALLENGE_NOT_FOUND',
  'CHALLENGE_EXPIRED',
  'CEREMONY_MISMATCH',
  // passkeys
  'CREDENTIAL_NOT_FOUND',
  'CREDENTIAL_ALREADY_REGISTERED',
  'REGISTRATION_FAILED',
  'AUTHENTICATION_FAILED',
  'USER_HANDLE_MISMATCH',
  'COUNTER_REGRESSION',
  // codes
  'CODE_INVALID',
  'CODE_EXPIRED',
  'CODE_USED',
  'CODE_LOCKED',
  'RATE_LIMITED',
  // PIN
  'PIN_INVALID',
  'PIN_LOCKED',
  'PIN_NOT_SET',
  'PIN_TOO_WEAK',
  'REAUTHENTICATION_REQUIRED',
  // transactions
  'TRANSACTION_NOT_FOUND',
  'TRANSACTION_EXPIRED',
  'TRANSACTION_DECIDED',
  'PIN_NOT_ALLOWED',
  'NOT_CONFIGURED',
  // face
  'FACE_MISMATCH',
  'LIVENESS_FAILED',
  'FACE_LOCKED',
  'FACE_NOT_ENROLLED',
  'CLIENT_STATE_INVALID',
  'FACE_REQUIRED',
  // recovery flows
  'RECOVERY_NOT_FOUND',
  'RECOVERY_EXPIRED',
  'RECOVERY_CLOSED',
  'RECOVERY_OUT_OF_ORDER',
  // server
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error with a stable {@link ErrorCode}, a human-readable detail and optional extra fields. */
export class TwofoldError extends Error {
  override readonly name = 'TwofoldError';
  readonly code: ErrorCode;
  /** Extra members copied into the problem+json body (e.g. `attemptsRemaining`). */
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(detail, options);
    this.code = code;
    this.extensions = extensions;
  }
}

/** True when `error` is a {@link TwofoldError}, optionally with the given code. */
export function isTwofoldError(error: unknown, code?: ErrorCode): error is TwofoldError {
  return error instanceof TwofoldError && (code === undefined || error.code === code);
}
