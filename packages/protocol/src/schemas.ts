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

const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

export const username = z.string().trim().min(1).max(64).regex(/^[^\s\p{C}]+$/u, 'must not contain spaces or control characters');
export const displayName = z.string().trim().min(1).max(128);
export const deviceName = z.string().trim().min(1).max(64);
export const id = z.string().min(1).max(128);

const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8);

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
export const registerOptionsBody = z.object({ username: username.optional(), displayName: displayName.optional() });
export const registerVerifyBody = z.object({ ceremonyId: id, response: registrationResponse, name: deviceName.optional() });
export const authenticateOptionsBody = z.object({ username: username.optional() });
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
const codeInput = z.object({ code: z.string().min(1).max(128), type: codeType });
export const initWithCodeBody = z.object({ userId: id, code: codeInput });

export const pin = z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits');
export const setPinBody = z.object({ pin });
export const verifyPinBody = z.object({ userId: id, pin: z.string().min(1).max(64) });

export const createTransactionBody = z.object({
  userId: id,
  message: z.string().trim().min(1).max(500),
  context: z.unknown(),
  ttlSeconds: z.number().int().positive().optional(),
  allowPin: z.boolean().optional(),
});
export const confirmTransactionBody = z.union([
  z.object({ ceremonyId: id, response: authenticationResponse }).strict(),
  z.object({ pin: z.string().min(1).max(64) }).strict(),
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
export const faceVerifyBody = z.object({ challengeId: id, userId: id, evidence: faceEvidence, clientState: clientState.optional() });

export const startRecoveryBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('credential_reset'), userId: id }).strict(),
  z.object({ kind: z.literal('new_device'), userId: id, code: codeInput }).strict(),
]);
export const recoveryPinBody = z.object({ pin });
export const recoveryFaceBody = z.object({ challengeId: id, evidence: faceEvidence, clientState: clientState.optional() });
export const recoveryPasskeyOptionsBody = z.object({ replaceDeviceId: id.optional() });
