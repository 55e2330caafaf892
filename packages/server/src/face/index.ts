/**
 * The face module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { createFaceAdmission, type FaceAdmission } from './admission.js';
export type { FaceAnalyzer, FrameAnalysis, AnalyzedFace, AnalyzeFramesOptions, AdmitFaceCheckOptions, FaceTicket } from './analyzer.js';
export {
  FRAME_MEMORY_DAYS,
  faceVerified,
  matchFace,
  usableFaceTemplate,
  type StartFaceChallengeOptions,
  type EnrollFaceOptions,
  type VerifyFaceOptions,
  type GetClientStateOptions,
  type FaceMatch,
} from './face.js';
