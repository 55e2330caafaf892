/**
 * Every error code the Twofold server answers with, once. A problem+json body's `code` is one of
 * these (see `Problem` in `./wire.ts`); the server maps each to an HTTP status in one place.
 * This file stays dependency-free: browser bundles import it.
 */
export const ERROR_CODES = [
  // input
  'INVALID_REQUEST',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'HEADERS_TOO_LARGE',
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
  'DEVICE_PROOF_REQUIRED',
  'DEVICE_PROOF_INVALID',
  'REAUTHENTICATION_REQUIRED',
  'LAST_PASSKEY',
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
  'FACE_BUSY',
  // recovery flows
  'RECOVERY_NOT_FOUND',
  'RECOVERY_EXPIRED',
  'RECOVERY_CLOSED',
  'RECOVERY_OUT_OF_ORDER',
  // server
  'STORE_UNAVAILABLE',
  'SERVER_BUSY',
  'INTERNAL',
] as const;

/** A stable, UPPER_SNAKE error code of the HTTP API (the `code` of a problem+json body). */
export type ErrorCode = (typeof ERROR_CODES)[number];
