import { createSoftAuthenticator } from '@twofold/testing';
import { beforeAll } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit.js';
import type { Store } from '../../src/store.js';
import { createTwofold, type TwofoldOptions } from '../../src/twofold.js';
import { type OpenStore, useStore } from './backends.js';

export const ORIGIN = 'http://localhost:5173';

/** A movable clock for expiry tests. */
export function testClock(start = Date.now()) {
  let t = start;
  return { now: () => new Date(t), advance: (seconds: number) => void (t += seconds * 1000) };
}

/** A Twofold instance over `store` plus a small HTTP client for its handler. */
export function createTestApp(store: Store, overrides: Partial<TwofoldOptions> = {}) {
  const clock = testClock();
  const events: AuditEvent[] = [];
  const twofold = createTwofold({
    store,
    rp: { id: 'localhost', name: 'Test', origins: [ORIGIN] },
    openRegistration: true,
    now: clock.now,
    onEvent: (e) => void events.push(e),
    onError: (e) => {
      throw e;
    },
    // Keyless apps on PostgreSQL (the stored-ceremony path) say so, as a development host must.
    ...(!overrides.secretKeys && { insecureNoSecretKeys: true }),
    ...overrides,
    // Per-address limits are tested where they matter, with their own addresses.
    http: { clientAddress: 'none', ...overrides.http },
  });
  async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string; headers?: Record<string, string>; raw?: BodyInit } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await twofold.handler(
      new Request(`http://localhost/api/v1${path}`, {
        method,
        headers,
        body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      }),
    );
    const text = await res.text();
    const json = text ? (JSON.parse(text) as any) : null;
    return { status: res.status, headers: res.headers, json };
  }
  return { twofold, call, clock, events };
}

export type TestApp = ReturnType<typeof createTestApp>;

/**
 * The test app of the enclosing suite (or file): `beforeAll` opens a store with `open` (`openPGlite`,
 * or a `storeBackends()` entry's) and builds {@link createTestApp} over it with `overrides`;
 * `afterAll` closes the store. Use it (and its `store`) in hooks and tests, once the suite has
 * started; hooks registered after this call run after it.
 */
export function useTestApp(open: OpenStore, overrides: Partial<TwofoldOptions> = {}): TestApp & { readonly store: Store } {
  const suite = useStore(open);
  let app: TestApp | undefined;
  beforeAll(() => {
    app = createTestApp(suite.store, overrides);
  });
  const current = () => {
    if (!app) throw new Error('useTestApp: the app is built in beforeAll; use it in a hook or a test');
    return app;
  };
  return {
    get store() {
      return suite.store;
    },
    get twofold() {
      return current().twofold;
    },
    get clock() {
      return current().clock;
    },
    get events() {
      return current().events;
    },
    call: (...args) => current().call(...args),
  };
}

let n = 0;
export const uniqueName = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`;

/** Signs up `username` with a fresh soft authenticator; returns the authenticator and result. */
export async function signUp(app: TestApp, username = uniqueName()) {
  const authenticator = createSoftAuthenticator({ origin: ORIGIN });
  const opts = await app.call('POST', '/passkeys/register/options', { username });
  if (opts.status !== 200) throw new Error(`options: ${JSON.stringify(opts.json)}`);
  const response = await authenticator.createCredential(opts.json.options);
  const verify = await app.call('POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response });
  if (verify.status !== 200) throw new Error(`verify: ${JSON.stringify(verify.json)}`);
  return { authenticator, username, ...(verify.json as { userId: string; deviceId: string; token: string }) };
}

type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;

/**
 * Adds a passkey on `authenticator` (a new soft authenticator unless given) for the user signed
 * in with `token`, named `name` if given. Answers the verify call, or the options call when that
 * is refused.
 */
export async function addPasskey(
  app: TestApp,
  token: string,
  { authenticator = createSoftAuthenticator({ origin: ORIGIN }), name }: { authenticator?: SoftAuthenticator; name?: string } = {},
) {
  const opts = await app.call('POST', '/passkeys/register/options', {}, { token });
  if (opts.status !== 200) return opts;
  const response = await authenticator.createCredential(opts.json.options);
  return app.call('POST', '/passkeys/register/verify', { ceremonyId: opts.json.ceremonyId, response, ...(name && { name }) }, { token });
}

/** Starts a passkey sign-in (`body` as for the options call) and answers it with `authenticator`. */
export async function passkeyAssertion(app: TestApp, authenticator: SoftAuthenticator, body: Record<string, unknown> = {}) {
  const opts = await app.call('POST', '/passkeys/authenticate/options', body);
  return { opts, response: await authenticator.getAssertion(opts.json.options) };
}

/** A browser's device key in a test: bound to a passkey session's device, it signs device proofs. */
export interface TestDeviceKey {
  keyId: string;
  /** The public JWK that was bound (bind it again to re-bind the same key). */
  publicKey: JsonWebKey;
  /** A proof for `userId` and `purpose` over a fresh challenge from the server. */
  proof(
    userId: string,
    purpose: 'pin' | 'transaction' | 'recovery' | 'face',
  ): Promise<{ keyId: string; challengeId: string; signature: string }>;
}

/**
 * Creates a non-extractable P-256 key (as the browser client does) and binds it with `token` (a
 * fresh passkey session) over HTTP. Throws when the server refuses.
 */
export async function bindDevice(app: TestApp, token: string): Promise<TestDeviceKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const res = await app.call('POST', '/me/device-keys', { publicKey }, { token });
  if (res.status !== 201) throw new Error(`device key: ${JSON.stringify(res.json)}`);
  const keyId = res.json.keyId as string;
  return {
    keyId,
    publicKey,
    async proof(userId, purpose) {
      const ch = await app.call('POST', '/device-keys/challenge', { userId, purpose });
      const message = new TextEncoder().encode(`twofold-device-proof:v1:${purpose}:${userId}:${ch.json.challenge}`);
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, message));
      return { keyId, challengeId: ch.json.challengeId as string, signature: Buffer.from(signature).toString('base64url') };
    },
  };
}
