/**
 * Response headers for the pages of a front end that uses `@twofold/client` (and its face
 * models): the page talks only to its own origin — nothing else may be loaded or contacted (a
 * biometric page must not leak) — and WASM compilation is allowed for the face models.
 */
export const FRONT_END_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
