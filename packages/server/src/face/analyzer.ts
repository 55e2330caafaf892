/**
 * What the server measures in evidence frames. The face module decides (`evidence.ts`); an
 * analyzer only measures, on the server, from the raw image bytes. The Node implementation
 * (`@twofold/server/face`: face-api on tfjs's WASM backend in a worker pool) is the one shipped;
 * the interface keeps the core runtime-agnostic and lets a host run the models elsewhere.
 */

/** One face found in a frame, in that frame's pixels. */
export interface AnalyzedFace {
  box: { x: number; y: number; width: number; height: number };
  /** Detector confidence, 0..1. */
  score: number;
  /** 68 landmarks (iBUG 300-W order). */
  landmarks: { x: number; y: number }[];
  /** 128-d descriptor of the face, aligned on its landmarks (the largest face's only; empty for the others). */
  descriptor: number[];
}

/** What one frame showed: its faces, largest first; none when it held no face (or did not decode: see `error`). */
export interface FrameAnalysis {
  width: number;
  height: number;
  faces: AnalyzedFace[];
  /** Set when the image could not be decoded or is out of bounds; such a frame is refused. */
  error?: string;
}

/** Options of {@link FaceAnalyzer.analyze}. */
export interface AnalyzeFramesOptions {
  /** The encoded images (JPEG or WebP), at most a handful. */
  images: Uint8Array[];
  /** Stops waiting (the work already running finishes in its worker). */
  signal?: AbortSignal;
}

export interface FaceAnalyzer {
  /** Names the detector, landmark and descriptor models; templates are bound to it. */
  readonly model: string;
  /**
   * Takes a place for one check of `frames` frames, or throws `FACE_BUSY` (with
   * `retryAfterSeconds`) when its answer would come later than the analyzer's bound on the wait.
   * The face module calls it before it consumes a challenge or counts an attempt, so a busy server
   * costs the user a retry, never a challenge; the place is held until the ticket runs or is
   * cancelled, so nothing admitted meanwhile can take it.
   */
  admit(options: AdmitFaceCheckOptions): FaceTicket;
  /** `admit({ frames: images.length }).analyze(options)`. */
  analyze(options: AnalyzeFramesOptions): Promise<FrameAnalysis[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Options of {@link FaceAnalyzer.admit}. */
export interface AdmitFaceCheckOptions {
  /** Frames the check will send to the analyzer. */
  frames: number;
}

/** A place in the analyzer's queue, from {@link FaceAnalyzer.admit}: use it once, or cancel it. */
export interface FaceTicket {
  /** Measures every image, one {@link FrameAnalysis} each, in order. */
  analyze(options: AnalyzeFramesOptions): Promise<FrameAnalysis[]>;
  /** Gives the place back (a no-op once `analyze` was called). */
  cancel(): void;
}
