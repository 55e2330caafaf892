import type {
  ChooseRecoveryPinResponse,
  CodeType,
  FaceChallenge,
  FaceEvidence,
  GetRecoveryResponse,
  StartRecoveryRequest,
  StartRecoveryResponse,
  VerifyRecoveryFaceResponse,
  VerifyRecoveryPasskeyResponse,
  DeviceProof,
} from '@twofold/protocol';
import type { WithApi } from '../api/api.js';
import { createPasskey, type HintOptions } from '../passkeys/passkeys.js';

// The wire shapes of a flow, from @twofold/protocol (RecoveryKind documents both kinds).
export type { RecoveryKind, RecoveryFlow, FaceChallenge } from '@twofold/protocol';

/**
 * Turns a challenge into camera evidence. `faceCapture()` from `@twofold/client/face` makes one;
 * the core client stays free of the face models.
 */
export type FaceCapture = (challenge: FaceChallenge) => Promise<FaceEvidence>;

/** What every plain recovery function needs: the API, and the flow's handle. */
export type WithFlow<O = unknown> = WithApi<O> & {
  /** The flow's handle, from {@link startRecovery} (`twofold.recovery.saved.flowId`). */
  flowId: string;
};

/** Options of {@link startRecovery} (`twofold.recovery.start`). */
export type StartRecoveryOptions =
  | {
      kind: 'credential_reset';
      /** The user whose PIN and passkey are reset. */
      userId: string;
      /** A proof by this browser's device key (purpose `recovery`): a reset starts on the user's own device. The client adds it. */
      deviceProof?: DeviceProof;
    }
  | {
      kind: 'new_device';
      /** The user the code was generated for. */
      userId: string;
      /** The pre-authorized code. */
      code: string;
      /** The code's kind. */
      type: CodeType;
    };

/**
 * Starts a recovery flow. Nothing about the account changes until a later step. A `new_device`
 * flow checks its code now (wrong codes count) and consumes it only when the passkey is bound.
 * @throws TwofoldClientError — `USER_NOT_FOUND`, `CODE_INVALID`, `CODE_EXPIRED`, `CODE_USED`,
 *   `CODE_LOCKED`, `RATE_LIMITED`, ...
 */
export function startRecovery(options: WithApi<StartRecoveryOptions>): Promise<StartRecoveryResponse> {
  const body: StartRecoveryRequest =
    options.kind === 'new_device'
      ? { kind: options.kind, userId: options.userId, code: { code: options.code, type: options.type } }
      : { kind: options.kind, userId: options.userId, ...(options.deviceProof && { deviceProof: options.deviceProof }) };
  return options.api.call('recovery.start', { body });
}

/** The flow's current state (to resume it). @throws `RECOVERY_NOT_FOUND` */
export function getRecovery(options: WithFlow): Promise<GetRecoveryResponse> {
  return options.api.call('recovery.get', { params: { flowId: options.flowId } });
}

/** Options of {@link chooseRecoveryPin} (`twofold.recovery.choosePin`). */
export interface ChooseRecoveryPinOptions {
  /** The new PIN: 4 to 12 digits, not one digit repeated nor a run like 1234. */
  pin: string;
}

/**
 * Credential reset, step 1: the new PIN. It is only staged: the current PIN stays until the face
 * check passes. It is staged once (to choose another, abandon the flow and start again).
 * @throws `PIN_TOO_WEAK`, `INVALID_REQUEST`, `RECOVERY_OUT_OF_ORDER`, `RECOVERY_EXPIRED`, `RECOVERY_CLOSED`
 */
export function chooseRecoveryPin(options: WithFlow<ChooseRecoveryPinOptions>): Promise<ChooseRecoveryPinResponse> {
  return options.api.call('recovery.choosePin', { params: { flowId: options.flowId }, body: { pin: options.pin } });
}

/** Options of {@link verifyRecoveryFace} (`twofold.recovery.verifyFace`). */
export interface VerifyRecoveryFaceOptions {
  /** Films the challenge: `faceCapture(session)` from `@twofold/client/face`. */
  capture: FaceCapture;
  /** The host's sealed face template, when its backend keeps it (else the server's stored one is used). */
  clientState?: string;
  /** Aborts the requests (pass the same signal to the capture's session to stop the camera too). */
  signal?: AbortSignal;
}

/**
 * The face step: fetches a liveness challenge, lets `capture` film it, and submits the evidence.
 * A credential reset replaces the PIN here and returns a session token (`amr: ["face"]`).
 * Pass the host's `clientState` when the face template is kept by the host's backend.
 * @throws `FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`, `FACE_NOT_ENROLLED`, `CLIENT_STATE_INVALID`,
 *   `FACE_TIMEOUT`, `ABORTED`, and the flow errors
 */
export async function verifyRecoveryFace(
  options: WithFlow<VerifyRecoveryFaceOptions> & {
    /** The flow's user (the face challenge is theirs). */
    userId: string;
  },
): Promise<VerifyRecoveryFaceResponse> {
  const { api } = options;
  const challenge = await api.call('face.startChallenge', { body: { userId: options.userId, purpose: 'verify' }, signal: options.signal });
  const evidence = await options.capture(challenge);
  return api.call('recovery.verifyFace', {
    params: { flowId: options.flowId },
    body: { challengeId: challenge.challengeId, evidence, ...(options.clientState && { clientState: options.clientState }) },
    signal: options.signal,
  });
}

/** Options of {@link bindRecoveryPasskey} (`twofold.recovery.bindPasskey`). */
export interface BindRecoveryPasskeyOptions extends HintOptions {
  /** The passkey device this one replaces (a credential reset on the same device); it is removed. */
  replaceDeviceId?: string;
  /** A name for the new passkey device; default: the authenticator model (from its AAGUID), else a guess from the User-Agent. */
  deviceName?: string;
  /** Aborting it cancels the browser prompt. */
  signal?: AbortSignal;
}

/**
 * The last step: creates a passkey on this device and binds it. `replaceDeviceId` names the
 * passkey this one replaces (a credential reset on the same device). Resolves with a session.
 * @throws `CANCELLED`, `AUTHENTICATOR_ALREADY_REGISTERED`, `CODE_USED`, `CLIENT_STATE_INVALID`,
 *   `DEVICE_NOT_FOUND`, and the flow errors
 */
export async function bindRecoveryPasskey(options: WithFlow<BindRecoveryPasskeyOptions>): Promise<VerifyRecoveryPasskeyResponse> {
  const { api } = options;
  const params = { flowId: options.flowId };
  const { ceremonyId, options: creation } = await api.call('recovery.startPasskey', {
    params,
    body: { ...(options.replaceDeviceId && { replaceDeviceId: options.replaceDeviceId }), ...(options.hints && { hints: options.hints }) },
    signal: options.signal,
  });
  const { response } = await createPasskey({ optionsJSON: creation, signal: options.signal });
  return api.call('recovery.verifyPasskey', {
    params,
    body: { ceremonyId, response, ...(options.deviceName && { name: options.deviceName }) },
  });
}

/** Abandons the flow: a staged PIN is dropped; nothing else changes. @throws `RECOVERY_CLOSED` (completed) */
export async function abandonRecovery(options: WithFlow): Promise<void> {
  await options.api.call('recovery.abandon', { params: { flowId: options.flowId } });
}
