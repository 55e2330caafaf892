import type { CredentialHint } from '@twofold/protocol';
import type { TwofoldContext } from '../context.js';

/** WebAuthn L3 §5.4 / §5.5 `hints` for the browser, most preferred first (it may ignore them). */
export interface WithHints {
  /** e.g. `['security-key']` on an "Add a security key" button, `['client-device']` for "this device", `['hybrid']` for "a phone". */
  hints?: CredentialHint[];
}

/**
 * The origins a WebAuthn response may come from (WebAuthn §7.1 step 9, §7.2 step 13): the RP's
 * own page origins and its related origins (WebAuthn L3 §5.11), which `/.well-known/webauthn`
 * lists so that browsers let those pages use this RP ID.
 */
export const expectedOrigins = (ctx: Pick<TwofoldContext, 'rp'>): string[] => [...ctx.rp.origins, ...ctx.rp.relatedOrigins];

/** Adds `hints` to options `@simplewebauthn/server` generated (it has no such argument for a list). */
export function withHints<T extends { hints?: CredentialHint[] }>(options: T, hints: CredentialHint[] | undefined): T {
  return hints?.length ? { ...options, hints: [...hints] } : options;
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
