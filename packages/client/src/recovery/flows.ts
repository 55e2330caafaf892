import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { FaceAction, FaceEvidence } from '@twofold/protocol';
import type { ApiClient } from '../api/api.js';
import { createPasskey, type SessionResult } from '../passkeys/passkeys.js';
import type { CodeType } from './codes.js';

/**
 * - `credential_reset`: the user's passkey no longer passes user verification (biometrics
 *   changed) and the PIN is forgotten or locked: choose a new PIN, pass a face check, register a
 *   passkey again on the same device.
 * - `new_device`: a lost device: a pre-authorized code (the host's first factor), a face check
 *   against the enrolled face (stored, or the host's client state), a passkey on this device.
 */
export type RecoveryKind = 'credential_reset' | 'new_device';

/** A recovery flow's state as the server records it; every step is kept server-side. */
export interface RecoveryFlow {
  /** The flow's handle. Keep it to resume after a reload; it only works with the other steps. */
  flowId: string;
  userId: string;
  kind: RecoveryKind;
  status: 'open' | 'completed' | 'abandoned' | 'expired';
  /** The next step; `done` once completed. */
  step: 'pin' | 'face' | 'passkey' | 'done';
  steps: { name: 'code' | 'pin' | 'face' | 'passkey'; done: boolean }[];
  /** Whether the PIN was already replaced (a credential reset after its face check). */
  pinReset: boolean;
  /** Whether the server holds a usable face for the user (else the face step needs a client state). */
  faceEnrolled: boolean;
  /** The passkey device the flow bound. */
  deviceId: string | null;
  expiresAt: string;
}

/** The liveness challenge of a face check. */
export interface FaceChallenge {
  challengeId: string;
  actions: FaceAction[];
  expiresAt: string;
}

/**
 * Turns a challenge into camera evidence. `faceCapture()` from `@twofold/client/face` makes one;
 * the core client stays free of the face models.
 */
export type FaceCapture = (challenge: FaceChallenge) => Promise<FaceEvidence>;

const path = (flowId: string, rest = '') => `/recovery/${encodeURIComponent(flowId)}${rest}`;

/**
 * Starts a recovery flow. Nothing about the account changes until a later step. A `new_device`
 * flow checks its code now (wrong codes count) and consumes it only when the passkey is bound.
 * @throws TwofoldClientError — `USER_NOT_FOUND`, `CODE_INVALID`, `CODE_EXPIRED`, `CODE_USED`,
 *   `CODE_LOCKED`, `RATE_LIMITED`, ...
 */
export function startRecovery(
  api: ApiClient,
  options: { userId: string; kind: 'credential_reset' } | { userId: string; kind: 'new_device'; code: string; type: CodeType },
): Promise<RecoveryFlow> {
  const body =
    options.kind === 'new_device'
      ? { kind: options.kind, userId: options.userId, code: { code: options.code, type: options.type } }
      : { kind: options.kind, userId: options.userId };
  return api.request('POST', '/recovery', { body });
}

/** The flow's current state (to resume it). @throws `RECOVERY_NOT_FOUND` */
export function getRecovery(api: ApiClient, options: { flowId: string }): Promise<RecoveryFlow> {
  return api.request('GET', path(options.flowId));
}

/**
 * Credential reset, step 1: the new PIN. It is only staged: the current PIN stays until the face
 * check passes. It is staged once (to choose another, abandon the flow and start again).
 * @throws `PIN_TOO_WEAK`, `INVALID_REQUEST`, `RECOVERY_OUT_OF_ORDER`, `RECOVERY_EXPIRED`, `RECOVERY_CLOSED`
 */
export function chooseRecoveryPin(api: ApiClient, options: { flowId: string; pin: string }): Promise<RecoveryFlow> {
  return api.request('PUT', path(options.flowId, '/pin'), { body: { pin: options.pin } });
}

/**
 * The face step: fetches a liveness challenge, lets `capture` film it, and submits the evidence.
 * A credential reset replaces the PIN here and returns a session token (`amr: ["face"]`).
 * Pass the host's `clientState` when the face template is kept by the host's backend.
 * @throws `FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`, `FACE_NOT_ENROLLED`, `CLIENT_STATE_INVALID`,
 *   `FACE_TIMEOUT`, `ABORTED`, and the flow errors
 */
export async function verifyFaceForRecovery(
  api: ApiClient,
  options: { flowId: string; userId: string; capture: FaceCapture; clientState?: string; signal?: AbortSignal },
): Promise<{ flow: RecoveryFlow; token?: string }> {
  const challenge = await api.request<FaceChallenge>('POST', '/face/challenge', {
    body: { userId: options.userId, purpose: 'verify' },
    signal: options.signal,
  });
  const evidence = await options.capture(challenge);
  return api.request('POST', path(options.flowId, '/face'), {
    body: { challengeId: challenge.challengeId, evidence, ...(options.clientState && { clientState: options.clientState }) },
    signal: options.signal,
  });
}

/**
 * The last step: creates a passkey on this device and binds it. `replaceDeviceId` names the
 * passkey this one replaces (a credential reset on the same device). Resolves with a session.
 * @throws `CANCELLED`, `AUTHENTICATOR_ALREADY_REGISTERED`, `CODE_USED`, `CLIENT_STATE_INVALID`,
 *   `DEVICE_NOT_FOUND`, and the flow errors
 */
export async function bindRecoveryPasskey(
  api: ApiClient,
  options: { flowId: string; replaceDeviceId?: string; name?: string; signal?: AbortSignal },
): Promise<SessionResult & { flow: RecoveryFlow }> {
  const { ceremonyId, options: creation } = await api.request<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }>(
    'POST',
    path(options.flowId, '/passkey/options'),
    { body: options.replaceDeviceId ? { replaceDeviceId: options.replaceDeviceId } : {}, signal: options.signal },
  );
  const response = await createPasskey(creation, options.signal);
  return api.request('POST', path(options.flowId, '/passkey/verify'), {
    body: { ceremonyId, response, ...(options.name && { name: options.name }) },
  });
}

/** Abandons the flow: a staged PIN is dropped; nothing else changes. @throws `RECOVERY_CLOSED` (completed) */
export async function abandonRecovery(api: ApiClient, options: { flowId: string }): Promise<void> {
  await api.request<void>('DELETE', path(options.flowId));
}
