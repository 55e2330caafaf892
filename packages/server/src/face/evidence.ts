import {
  FACE_EVIDENCE_LIMITS,
  FACE_POSE,
  faceCentre,
  onTarget,
  type FaceTarget,
  FACE_MATCH_THRESHOLD,
  descriptorDistance,
  meanDescriptor,
  showsPose,
  yawOf,
  type FaceAction,
  type FaceEvidence,
  type PoseMeasure,
} from '@twofold/protocol';
import { TwofoldError } from '../errors.js';
import type { AnalyzedFace, FrameAnalysis } from './analyzer.js';

/**
 * The server's liveness rules on what it measured itself. Chosen with `pnpm bench:face` and the
 * pose tests; every comparison is written so that `NaN`/`Infinity` refuse.
 */
export const LIVENESS_RULES = {
  /**
   * Smallest face, as a fraction of the frame width and in pixels (the descriptor net sees 150 px).
   * The client's crop is 2.4 tracker boxes wide, so a neutral face fills ~29 % of it and a head
   * turned ~35° about 60 % of that (rendered turns measured 0.17–0.21): 15 % keeps those and
   * still refuses a face far away in the frame (a phone or poster held up behind).
   */
  minFaceFraction: 0.15,
  minFacePixels: 80,
  /**
   * Every frame's descriptor must be this close to the neutral frame's: one person throughout.
   * The match threshold itself — each frame must pass as the neutral frame's person would in a
   * verification; turned faces measured 0.38–0.55 from their own neutral frame (test renders).
   */
  samePerson: FACE_MATCH_THRESHOLD.value,
} as const;

/** A frame's bytes after the cheap checks (format, size) that run before anything is consumed. */
export interface EvidenceImages {
  images: Uint8Array[];
}

const fail = (reason: string): never => {
  throw new TwofoldError('LIVENESS_FAILED', `Liveness check failed: ${reason}.`, { reason });
};

/**
 * Checks evidence before anything is consumed or decoded: it answers `challengeId`, its frames
 * are the neutral pose then the `actions` in order, and each is a JPEG or WebP within the byte
 * bound. Returns the decoded bytes. Throws `INVALID_REQUEST` (malformed), `LIVENESS_FAILED`
 * (another challenge's evidence, or poses in another order).
 */
export function readEvidence(evidence: FaceEvidence, challenge: { id: string; actions: readonly FaceAction[] }): EvidenceImages {
  if (evidence.challengeId !== challenge.id) fail('the evidence answers another challenge');
  const expected = ['neutral', ...challenge.actions];
  const poses = evidence.frames.map((f) => f.pose);
  if (poses.length !== expected.length || poses.some((p, i) => p !== expected[i])) {
    fail(`the frames must show ${expected.join(', ')}, in this order`);
  }
  const images = evidence.frames.map((frame, i) => {
    const bytes = fromBase64(frame.image);
    if (!bytes || bytes.length > FACE_EVIDENCE_LIMITS.maxFrameBytes) {
      throw new TwofoldError('INVALID_REQUEST', `Frame ${i} is not base64 of at most ${FACE_EVIDENCE_LIMITS.maxFrameBytes} bytes.`);
    }
    if (!isJpeg(bytes) && !isWebp(bytes)) throw new TwofoldError('INVALID_REQUEST', `Frame ${i} is neither JPEG nor WebP.`);
    return bytes;
  });
  return { images };
}

/** What a challenge asked: the actions in order, and where the face must be in each action's frame. */
export interface LivenessChallenge {
  actions: readonly FaceAction[];
  /** One per action ({@link FACE_TARGETS}); a challenge without them binds nothing and is refused. */
  targets: readonly FaceTarget[];
}

/**
 * Decides liveness on the server's own measurements of the frames (in evidence order: neutral,
 * then each action): every frame shows exactly one face of adequate size, decoded from an image
 * of the same size as the others; each action frame shows its pose relative to the neutral one,
 * with the face at that action's target (this binds the frames to this challenge); every frame
 * shows the same person as the neutral one. Returns the session's face (the mean descriptor of the
 * frontal frames). Throws `LIVENESS_FAILED` with a reason that names no biometric value.
 */
export function decideLiveness(challenge: LivenessChallenge, analyses: readonly FrameAnalysis[]): { probe: number[] } {
  const { actions, targets } = challenge;
  if (targets.length !== actions.length) fail('the challenge has no targets (it was issued by an older server); start again');
  if (analyses.length !== actions.length + 1) fail('a frame is missing');
  const [first] = analyses;
  const faces: AnalyzedFace[] = analyses.map((a, i) => {
    if (a.error) fail(`frame ${i} could not be read`);
    if (a.width !== first!.width || a.height !== first!.height) fail('the frames are not crops of one camera area');
    // Exactly one face of adequate size (smaller detections — a poster, a false positive — are ignored).
    const minWidth = Math.max(LIVENESS_RULES.minFacePixels, a.width * LIVENESS_RULES.minFaceFraction);
    const adequate = a.faces.filter((f) => f.box.width >= minWidth);
    if (adequate.length > 1) fail(`several faces in frame ${i}`);
    if (a.faces.length === 0) fail(`no face in frame ${i}`);
    const face = adequate[0] ?? fail(`the face in frame ${i} is too small`);
    if (face.descriptor.length !== 128 || !face.descriptor.every(Number.isFinite)) fail(`frame ${i} gave no usable face`);
    // The judged face is the largest one (the one the analyzer described); anything else is refused.
    if (face !== a.faces[0]) fail(`frame ${i} gave no usable face`);
    return face;
  });
  const measure = (f: AnalyzedFace): PoseMeasure => ({ width: f.box.width, yaw: yawOf(f.landmarks) });
  const neutral = measure(faces[0]!);
  if (!showsPose('neutral', neutral, neutral)) fail('the neutral frame cannot be measured');
  // Turns are judged against a face looking at the camera, not against a face already turned.
  if (!(Math.abs(neutral.yaw) <= FACE_POSE.frontal)) fail('the neutral frame does not face the camera');
  actions.forEach((action, i) => {
    if (!showsPose(action, measure(faces[i + 1]!), neutral)) fail(`frame ${i + 1} does not show ${action.replace('_', ' ')}`);
  });
  // Each action frame has the face where this challenge asked (one camera area, so positions in
  // the frames are positions in front of the camera).
  const centre = (f: AnalyzedFace, a: FrameAnalysis): FaceTarget => {
    const c = faceCentre(f.landmarks);
    return { x: c.x / a.width, y: c.y / a.height };
  };
  const neutralCentre = centre(faces[0]!, analyses[0]!);
  actions.forEach((action, i) => {
    if (!onTarget(targets[i]!, centre(faces[i + 1]!, analyses[i + 1]!), neutralCentre)) {
      fail(`frame ${i + 1} does not have the face at the target of ${action.replace('_', ' ')}`);
    }
  });
  const reference = faces[0]!.descriptor;
  faces.forEach((f, i) => {
    if (!(descriptorDistance(f.descriptor, reference) <= LIVENESS_RULES.samePerson))
      fail(`the person in frame ${i} is not the one in the neutral frame`);
  });
  // The face to match: the mean of the frontal frames only (neutral, closer). Turned faces give
  // less distinctive descriptors — rendered turns of two different people measured 0.54 apart,
  // their frontal frames 0.74 — so they prove movement and sameness, not identity.
  const frontal = faces.filter((_, i) => i === 0 || actions[i - 1] === 'move_closer');
  return { probe: meanDescriptor(frontal.map((f) => f.descriptor)) };
}

function fromBase64(text: string): Uint8Array | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

// Magic numbers: JPEG SOI + marker (FF D8 FF); WebP "RIFF" .... "WEBP".
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isWebp = (b: Uint8Array) =>
  b.length > 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP';
