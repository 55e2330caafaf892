/**
 * Typed errors. The codes are declared once, in `@twofold/protocol`. Every failure that crosses a module boundary is a {@link TwofoldError}
 * with one of these stable codes; the HTTP layer maps codes to statuses in one place
 * (`http/problem.ts`), so domain code never thinks about HTTP.
 */
import type { ErrorCode } from '@twofold/protocol';

export { ERROR_CODES, type ErrorCode } from '@twofold/protocol';

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
