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
   * True when new work would wait too long: the face routes answer `FACE_BUSY` (503) before
   * consuming anything, so face work never queues without bound behind passkey sign-ins.
   */
  saturated(): boolean;
  /** Measures every image, one {@link FrameAnalysis} each, in order. Throws `FACE_BUSY` when saturated. */
  analyze(options: AnalyzeFramesOptions): Promise<FrameAnalysis[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}
