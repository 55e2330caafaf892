/**
 * @twofold/client/face — webcam face enrollment and verification with challenge-response
 * liveness. A separate entry: pages that only use passkeys never load the models.
 * Serve the model and WASM files with the Vite plugin from `@twofold/client/vite`.
 */
import type { ApiClient } from '../api/api.js';
import type { FaceCapture, FaceChallenge } from '../recovery/flows.js';
import { captureFaceEvidence, type FaceProgress } from './capture.js';
import type { FaceEngine } from './engine.js';

export { createFaceEngine, type FaceEngine, type FaceEngineOptions, type FaceObservation, type FaceBackend } from './engine.js';
export { captureFaceEvidence, startCamera, type FaceGuidance, type FaceProgress, type CaptureOptions } from './capture.js';
export type { FaceAction, FaceEvidence } from '@twofold/protocol';

/** Where the Vite plugin puts the assets by default. */
export const DEFAULT_FACE_ASSETS = { modelBaseUrl: '/twofold/face/models', wasmBaseUrl: '/twofold/face/wasm/' } as const;

/** One camera session: the engine, the playing video, and optional progress, abort and time limit. */
export interface FaceSession {
  engine: FaceEngine;
  video: HTMLVideoElement;
  onProgress?: (p: FaceProgress) => void;
  signal?: AbortSignal;
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

/**
 * Enrolls the signed-in user's face. Returns the sealed `clientState` (store it if your backend
 * keeps it, Keyless-style) and the device it is kept as.
 * @throws TwofoldClientError `LIVENESS_FAILED`, `FACE_TIMEOUT`, `ABORTED`, ...
 */
export async function enrollFace(
  api: ApiClient,
  options: FaceSession & { token: string; userId: string; keep?: 'backup' | 'temporary' },
): Promise<{ deviceId: string; type: 'backup' | 'temporary'; clientState: string }> {
  const challenge = await api.request<FaceChallenge>('POST', '/face/challenge', { token: options.token, body: { userId: options.userId, purpose: 'enroll' } });
  const evidence = await captureFaceEvidence({ ...options, challenge });
  return api.request('POST', '/face/enroll', { token: options.token, body: { challengeId: challenge.challengeId, evidence, ...(options.keep && { keep: options.keep }) } });
}

/**
 * Proves the enrolled person is in front of the camera. Resolves with a session token
 * (`amr: ["face"]`). Pass `clientState` when your backend holds the sealed template.
 * @throws TwofoldClientError `FACE_MISMATCH`, `LIVENESS_FAILED`, `FACE_LOCKED`, `FACE_NOT_ENROLLED`, ...
 */
export async function verifyFace(
  api: ApiClient,
  options: FaceSession & { userId: string; clientState?: string },
): Promise<{ match: true; token: string }> {
  const challenge = await api.request<FaceChallenge>('POST', '/face/challenge', { body: { userId: options.userId, purpose: 'verify' } });
  const evidence = await captureFaceEvidence({ ...options, challenge });
  return api.request('POST', '/face/verify', {
    body: { challengeId: challenge.challengeId, userId: options.userId, evidence, ...(options.clientState && { clientState: options.clientState }) },
  });
}
