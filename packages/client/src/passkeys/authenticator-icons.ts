/** Options of {@link getAuthenticatorIcon}. */
export interface GetAuthenticatorIconOptions {
  /** The passkey's AAGUID (`device.passkey.aaguid`). */
  aaguid: string;
  /** The icon for a light background (default) or a dark one. */
  theme?: 'light' | 'dark';
}

/**
 * The icon of a passkey's authenticator model (e.g. Google Password Manager, 1Password) as an
 * `image/svg+xml` data URI, from the same community list the server names devices from; null
 * when the list has none. The icons (~300 KB) are loaded on first use, in a chunk of their own,
 * so pages that never show one never download them. Use the URI only as an `<img src>` (an SVG
 * in an image runs no script); a strict CSP needs `img-src data:`.
 */
export async function getAuthenticatorIcon(options: GetAuthenticatorIconOptions): Promise<string | null> {
  const { AUTHENTICATOR_ICONS } = await import('./authenticator-icons.data.js');
  const key = options.aaguid.toLowerCase();
  const icons = Object.hasOwn(AUTHENTICATOR_ICONS, key) ? AUTHENTICATOR_ICONS[key] : undefined;
  if (!icons) return null;
  // "light" icons are for light backgrounds; fall back to the other variant rather than nothing.
  return (options.theme === 'dark' ? (icons.dark ?? icons.light) : (icons.light ?? icons.dark)) ?? null;
}
