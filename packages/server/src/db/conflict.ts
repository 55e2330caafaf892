/** A unique constraint was violated; `constraint` names which. Stores throw it; modules catch it. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly constraint: string,
    options?: ErrorOptions,
  ) {
    super(`unique constraint violated: ${constraint}`, options);
  }
}
