/**
 * @twofold/client/face — webcam face enrollment and verification with challenge-response
 * liveness. A separate entry: pages that only use passkeys never load the models.
 * Serve the model and WASM files with the Vite plugin from `@twofold/client/vite`.
 */
import type { EnrollFaceResponse, FaceDeviceType, VerifyFaceResponse } from '@twofold/protocol';
import type { WithApi, WithSession } from '../api/api.js';
import { indexedDbDeviceKeys, signDeviceProof, type DeviceKeyStore } from '../devicekeys.js';
import { TwofoldClientError } from '../errors.js';
import type { FaceCapture } from '../recovery/flows.js';
import { captureFaceEvidence, type FaceProgress } from './capture.js';
import type { FaceEngine } from './engine.js';

export { createFaceEngine, type FaceEngine, type FaceEngineOptions, type FaceObservation, type FaceBackend } from './engine.js';
export {
  createMediaPipeTracker,
  yawOfKeypoints,
  MEDIAPIPE_CALIBRATION,
  DEFAULT_MEDIAPIPE_ASSETS,
  type MediaPipeTracker,
  type MediaPipeTrackerOptions,
  type FaceTracker,
  type TrackedFace,
} from './tracker-mediapipe.js';
export {
  captureFaceEvidence,
  startCamera,
  type FaceGuidance,
  type FaceProgress,
  type CaptureOptions,
  type StartCameraOptions,
} from './capture.js';
export type { FaceAction, FaceEvidence } from '@twofold/protocol';

/** Where the Vite plugin puts the assets by default. */
export const DEFAULT_FACE_ASSETS = { modelBaseUrl: '/twofold/face/models', wasmBaseUrl: '/twofold/face/wasm/' } as const;

/** One camera session: the engine, the playing video, and optional progress, abort and time limit. */
export interface FaceSession {
  /** The loaded face engine (`createFaceEngine`). */
  engine: FaceEngine;
  /** A playing `<video>` showing the camera (`startCamera`). */
  video: HTMLVideoElement;
  /** Guidance for the user while filming (what to do, how far along). */
  onProgress?: (p: FaceProgress) => void;
  /** Stops the capture (`ABORTED`). */
  signal?: AbortSignal;
  /** Give up after this long (`FACE_TIMEOUT`). Default 30 s. */
  timeoutMs?: number;
}

/**
 * A capture function for flows that run the face check themselves (recovery): each call films
 * the given challenge with this camera session and returns the evidence.
 * @example await twofold.recovery.verifyFace({ capture: faceCapture({ engine, video, onProgress }) });
 */
export function faceCapture(session: FaceSession): FaceCapture {
  return (challenge) => captureFaceEvidence({ ...session, challenge });
}

/** Options of {@link enrollFace}. */
export interface EnrollFaceOptions extends FaceSession {
  /** The signed-in user (enrolling needs their session). */
  userId: string;
  /** How the template is kept as a device: `backup` (default) or `temporary` (single use, short-lived). */
  keep?: FaceDeviceType;
}

/**
 * Enrolls the signed-in user's face. Returns the sealed `clientState` (store it if your backend
 * keeps it, Keyless-style) and the device it is kept as.
 * @throws TwofoldClientError `LIVENESS_FAILED`, `FACE_TIMEOUT`, `ABORTED`, ...
 */
export async function enrollFace(options: WithSession<EnrollFaceOptions>): Promise<EnrollFaceResponse> {
  const { api, token } = options;
  const challenge = await api.call('face.startChallenge', { token, body: { userId: options.userId, purpose: 'enroll' } });
  const evidence = await captureFaceEvidence({ ...options, challenge });
  return api.call('face.enroll', {
    token,
    body: { challengeId: challenge.challengeId, evidence, ...(options.keep && { keep: options.keep }) },
  });
}

/** Options of {@link verifyFace}. */
export interface VerifyFaceOptions extends FaceSession {
  /** The user whose enrolled face is checked. */
  userId: string;
  /** The host's sealed face template, when its backend keeps it (else the server's stored one is used). */
  clientState?: string;
  /**
   * Where this browser's device keys are (a face sign-in needs a proof by the key bound at a
   * passkey sign-in here). Default: IndexedDB, as `createTwofoldClient()` keeps them; pass
   * `twofold.deviceKeys` when the client was created with its own store.
   */
  deviceKeys?: DeviceKeyStore;
}

/**
 * Face sign-in on a device bound to the account: proves the enrolled person is in front of the
 * camera, with a device-key proof (purpose `face`) signed here — a face alone (a photo) signs
 * no one in. Resolves with a session token (`amr: ["face"]`). Pass `clientState` when your
 * backend holds the sealed template.
 * @throws TwofoldClientError `DEVICE_PROOF_REQUIRED` (before the camera is used: this browser
 *   was never signed in with a passkey for this user), `DEVICE_PROOF_INVALID` (the key was
 *   removed; it is forgotten here), `FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`,
 *   `FACE_NOT_ENROLLED`, ...
 */
export async function verifyFace(options: WithApi<VerifyFaceOptions>): Promise<VerifyFaceResponse> {
  const { api, userId } = options;
  const keys = options.deviceKeys ?? indexedDbDeviceKeys();
  // Checked first: without a bound key the server would refuse after the user filmed the challenge.
  if (!(await keys.get(userId))?.keyId) {
    throw new TwofoldClientError(
      'DEVICE_PROOF_REQUIRED',
      'This device is not set up for this account yet: sign in with a passkey on it first.',
    );
  }
  const challenge = await api.call('face.startChallenge', { body: { userId, purpose: 'verify' } });
  const evidence = await captureFaceEvidence({ ...options, challenge });
  // Signed after filming: the proof's own challenge is short-lived.
  const deviceProof = await signDeviceProof({ api, userId, purpose: 'face', keys });
  try {
    return await api.call('face.verify', {
      body: {
        challengeId: challenge.challengeId,
        userId,
        evidence,
        deviceProof,
        ...(options.clientState && { clientState: options.clientState }),
      },
    });
  } catch (error) {
    if (error instanceof TwofoldClientError && error.code === 'DEVICE_PROOF_INVALID') await keys.delete(userId);
    throw error;
  }
}
