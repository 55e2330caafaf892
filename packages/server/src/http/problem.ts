import type { ErrorCode } from '../errors.js';

/** The one place error codes become HTTP statuses. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  INSUFFICIENT_SCOPE: 403,
  REGISTRATION_CLOSED: 403,
  USERNAME_TAKEN: 409,
  USER_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  CHALLENGE_NOT_FOUND: 400,
  CHALLENGE_EXPIRED: 400,
  CEREMONY_MISMATCH: 400,
  CREDENTIAL_NOT_FOUND: 401,
  CREDENTIAL_ALREADY_REGISTERED: 409,
  REGISTRATION_FAILED: 400,
  AUTHENTICATION_FAILED: 401,
  USER_HANDLE_MISMATCH: 401,
  COUNTER_REGRESSION: 401,
  CODE_INVALID: 401,
  CODE_EXPIRED: 401,
  CODE_USED: 401,
  CODE_LOCKED: 423,
  RATE_LIMITED: 429,
  PIN_INVALID: 401,
  PIN_LOCKED: 423,
  PIN_NOT_SET: 404,
  PIN_TOO_WEAK: 400,
  DEVICE_PROOF_REQUIRED: 401,
  DEVICE_PROOF_INVALID: 401,
  REAUTHENTICATION_REQUIRED: 403,
  LAST_PASSKEY: 409,
  TRANSACTION_NOT_FOUND: 404,
  TRANSACTION_EXPIRED: 410,
  TRANSACTION_DECIDED: 409,
  PIN_NOT_ALLOWED: 403,
  NOT_CONFIGURED: 503,
  FACE_MISMATCH: 401,
  LIVENESS_FAILED: 422,
  FACE_LOCKED: 423,
  FACE_NOT_ENROLLED: 404,
  CLIENT_STATE_INVALID: 400,
  FACE_REQUIRED: 403,
  FACE_BUSY: 503,
  RECOVERY_NOT_FOUND: 404,
  RECOVERY_EXPIRED: 410,
  RECOVERY_CLOSED: 409,
  RECOVERY_OUT_OF_ORDER: 409,
  STORE_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
  INTERNAL: 500,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem details response with Twofold's stable `code` member. */
export function problemResponse(
  code: ErrorCode,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers?: HeadersInit,
): Response {
  const status = STATUS_BY_CODE[code];
  const body = {
    ...extensions,
    type: `https://twofold.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
  };
  const h = new Headers(headers);
  h.set('content-type', 'application/problem+json');
  if (typeof extensions.retryAfterSeconds === 'number') h.set('retry-after', String(extensions.retryAfterSeconds));
  return new Response(JSON.stringify(body), { status, headers: h });
}
