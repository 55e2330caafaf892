/**
 * The face stack is opt-in: face-api (with tfjs's WASM backend) and, for the MediaPipe tracker,
 * `@mediapipe/*` and `flatbuffers` are optional peer dependencies of `@twofold/client`, so a
 * passkey-only app installs no ML code. Browser-safe: no Node imports here.
 */

/** What `createFaceEngine` (and the files `twofoldFaceAssets()` serves for it) needs. */
export const FACE_ENGINE_PEERS = {
  '@vladmandic/face-api': '1.7.15',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
} as const;

/** What `createMediaPipeTracker` (and `twofoldFaceAssets({ mediapipe: true })`) needs besides. */
export const MEDIAPIPE_TRACKER_PEERS = {
  '@mediapipe/tasks-vision': '1.1.0',
  '@mediapipe/face_detection': '0.4.1657300184',
  flatbuffers: '^25.9.23',
} as const;

/** `npm install …` for these packages, versions as the client's peer dependencies ask. */
export function installCommand(peers: Record<string, string>): string {
  return `npm install ${Object.entries(peers)
    .map(([name, range]) => `${name}@${range.replace(/^\^/, '')}`)
    .join(' ')}`;
}

/** The message of the error thrown when part of the face stack is missing. */
export function missingFaceStackMessage(what: string, missing: readonly string[], peers: Record<string, string>): string {
  return (
    `${what} needs the face stack, which is optional and not installed here (missing: ${missing.join(', ')}). ` +
    `Install it in your app:\n  ${installCommand(peers)}`
  );
}
