/**
 * `@twofold/protocol/schemas` — the zod validators of every request body of the HTTP API (see
 * API.md and docs/http-api.md): the server parses each body with one of these. A subpath of its
 * own, so the root entry (imported by the browser client) never pulls zod at runtime; the root's
 * request types are `z.input` of these schemas (`./wire.ts`).
 *
 * WebAuthn values are base64url strings in the JSON shapes of @simplewebauthn; sizes are capped
 * well above what real authenticators send.
 */
import { z } from 'zod';
import { FACE_ACTIONS, FACE_EVIDENCE_LIMITS, type FacePose } from './face.js';

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

/**
 * Text PostgreSQL stores exactly as sent: well-formed Unicode (no lone surrogate, which a UTF-8
 * encoder would silently turn into U+FFFD) and no NUL (which `text` and `jsonb` refuse).
 */
const STORABLE = /^[^\0\p{Cs}]*$/u;
/** True when `value` is text PostgreSQL stores exactly as sent (see {@link text}). */
export const isStorableText = (value: string): boolean => STORABLE.test(value);
const storableMessage = 'must be well-formed Unicode without NUL characters';
/** A string of at most `max` UTF-16 units that the database stores as sent. */
export const text = (max: number) => z.string().max(max).regex(STORABLE, storableMessage);

export const username = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\s\p{C}]+$/u, 'must not contain spaces or control characters');
export const displayName = text(128).trim().min(1);
export const deviceName = text(64).trim().min(1);
export const id = text(128).min(1);
/** A path parameter (an id) once percent-decoded: the same rules as {@link id}. */
export const pathParam = id;

/** How deeply a free-form JSON value (a transaction's `context`) may nest. */
export const MAX_JSON_DEPTH = 32;

/**
 * Why `value` (parsed JSON) cannot be stored as sent, or null: nesting deeper than `maxDepth`, or
 * a key or string that is not {@link isStorableText}. Iterative, so no input overflows the stack.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!STORABLE.test(v)) return storableMessage;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return `must not nest deeper than ${maxDepth} levels`;
      if (Array.isArray(v)) {
        for (const item of v) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(v)) {
          if (!STORABLE.test(key)) return `keys ${storableMessage}`;
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return null;
}

/** Any JSON value whose strings are storable and which nests at most {@link MAX_JSON_DEPTH} levels. */
export const jsonValue = z.unknown().superRefine((value, c) => {
  const problem = jsonProblem(value);
  if (problem) c.addIssue({ code: 'custom', message: problem });
});

// WebAuthn §5.8.4: clients ignore transports they do not know, so an RP stores what it is given
// (bounded: a few short lowercase tokens) rather than refusing a transport added to the spec later.
const transports = z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/)).max(8);

// Members every PublicKeyCredential JSON has (WebAuthn §5.1).
const credential = {
  id: b64url(1400).min(1),
  rawId: b64url(1400).min(1),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};

export const registrationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: b64url(8192).min(1),
    attestationObject: b64url(16384).min(1),
    authenticatorData: b64url(8192).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4096).optional(),
  }),
});

export const authenticationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: b64url(8192).min(1),
    authenticatorData: b64url(8192).min(1),
    signature: b64url(2048).min(1),
    userHandle: b64url(128).optional(),
  }),
});

export const createUserBody = z.object({ username, displayName: displayName.optional() });
export const retrieveUserBody = z.object({ username });
/**
 * WebAuthn L3 §5.8.7 `PublicKeyCredentialHint`s, most preferred first: which kind of
 * authenticator the page expects. Only hints — the browser may ignore them — so they never
 * decide anything on the server.
 */
export const credentialHints = z
  .array(z.enum(['security-key', 'client-device', 'hybrid']))
  .max(3)
  .refine((h) => new Set(h).size === h.length, 'each hint at most once');
export const registerOptionsBody = z.object({
  username: username.optional(),
  displayName: displayName.optional(),
  hints: credentialHints.optional(),
});
export const registerVerifyBody = z.object({ ceremonyId: id, response: registrationResponse, name: deviceName.optional() });
export const authenticateOptionsBody = z.object({ username: username.optional(), hints: credentialHints.optional() });
export const authenticateVerifyBody = z.object({ ceremonyId: id, response: authenticationResponse });
export const renameDeviceBody = z.object({ name: deviceName });

export const codeType = z.enum(['short', 'long', 'link']);
export const generateCodeBody = z.object({
  userId: id,
  purpose: z.literal('add_credential'),
  authorize: z.literal(true),
  ttlSeconds: z.number().int().positive().optional(),
  requireFace: z.boolean().optional(),
});
export const userIdBody = z.object({ userId: id });
const codeInput = z.object({ code: text(128).min(1), type: codeType });
export const initWithCodeBody = z.object({ userId: id, code: codeInput, hints: credentialHints.optional() });

/** A device key's public half (ECDSA P-256) as WebCrypto exports it; other members are dropped. */
export const deviceKeyJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: b64url(43).length(43),
  y: b64url(43).length(43),
});
/** `POST /me/device-keys`: bind this browser's device key to the session's passkey device. */
export const registerDeviceKeyBody = z.object({ publicKey: deviceKeyJwk });
/** What a device-key proof is for; the signed message names it. */
export const deviceProofPurpose = z.enum(['pin', 'transaction', 'recovery', 'face']);
/** `POST /device-keys/challenge`: a fresh challenge for a device-key proof. */
export const deviceProofChallengeBody = z.object({ userId: id, purpose: deviceProofPurpose });
/**
 * A device-key proof: `signature` is the device key's ECDSA P-256 / SHA-256 signature (raw r‖s,
 * base64url) over the UTF-8 text `twofold-device-proof:v1:<purpose>:<userId>:<challenge>`.
 */
export const deviceProof = z.object({ keyId: b64url(43).min(43), challengeId: id, signature: b64url(200).min(1) }).strict();

export const pin = z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits');
export const setPinBody = z.object({ pin });
export const verifyPinBody = z.object({ userId: id, pin: text(64).min(1), deviceProof: deviceProof.optional() });

export const createTransactionBody = z.object({
  userId: id,
  message: text(500).trim().min(1),
  context: jsonValue,
  ttlSeconds: z.number().int().positive().optional(),
  allowPin: z.boolean().optional(),
});
export const confirmTransactionBody = z.union([
  z.object({ ceremonyId: id, response: authenticationResponse }).strict(),
  z.object({ pin: text(64).min(1), deviceProof: deviceProof.optional() }).strict(),
]);

// Face evidence is frames (base64 JPEG/WebP), never numbers a client computed: the server
// decodes and measures them itself. Bounded before anything is decoded.
const base64Image = z
  .string()
  .min(16)
  .max(Math.ceil(FACE_EVIDENCE_LIMITS.maxFrameBytes / 3) * 4)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 (standard alphabet)');
export const faceEvidence = z
  .object({
    version: z.literal(2),
    challengeId: id,
    frames: z
      .array(z.object({ pose: z.enum(['neutral', ...FACE_ACTIONS] as [FacePose, ...FacePose[]]), image: base64Image }).strict())
      .min(2)
      .max(FACE_EVIDENCE_LIMITS.maxFrames),
  })
  .strict();
export const faceChallengeBody = z.object({ userId: id, purpose: z.enum(['enroll', 'verify']) });
export const faceEnrollBody = z.object({ challengeId: id, evidence: faceEvidence, keep: z.enum(['backup', 'temporary']).optional() });
const clientState = z.string().min(1).max(8192);
/** `POST /face/verify`: a face sign-in rides on possession — a device proof of purpose `face` (required; optional here so a missing one is `DEVICE_PROOF_REQUIRED`, not a schema error). */
export const faceVerifyBody = z.object({
  challengeId: id,
  userId: id,
  evidence: faceEvidence,
  clientState: clientState.optional(),
  deviceProof: deviceProof.optional(),
});

export const startRecoveryBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('credential_reset'), userId: id, deviceProof: deviceProof.optional() }).strict(),
  z.object({ kind: z.literal('new_device'), userId: id, code: codeInput }).strict(),
]);
export const recoveryPinBody = z.object({ pin });

/** An audit event type as a filter (`user.signed_in`): lower-case words around one dot. */
const eventType = z
  .string()
  .max(48)
  .regex(/^[a-z_]{1,23}\.[a-z_]{1,23}$/, 'must be an event type such as passkey.added');
/**
 * `GET /me/events` query: `limit` 1..100 (default 50), `before` a cursor from a previous page's
 * `nextCursor`, `types` a comma list of at most 20 event types.
 */
export const listEventsQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  // A cursor is a bigint sequence number: bounded by PostgreSQL's bigint, or the cast fails (500).
  before: z
    .string()
    .regex(/^\d{1,19}$/, 'must be a cursor from nextCursor')
    .refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n, 'must be a cursor from nextCursor')
    .optional(),
  types: z
    .string()
    .max(20 * 49)
    .transform((v) => v.split(','))
    .pipe(z.array(eventType).min(1).max(20))
    .optional(),
});
export const recoveryFaceBody = z.object({ challengeId: id, evidence: faceEvidence, clientState: clientState.optional() });
export const recoveryPasskeyOptionsBody = z.object({ replaceDeviceId: id.optional(), hints: credentialHints.optional() });
