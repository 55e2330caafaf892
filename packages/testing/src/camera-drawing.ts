/**
 * What the test cameras draw, in a page: the 2D motions of `writeFakeCameraY4m`
 * ({@link drawFakeMotion}) and the steerable camera's picture ({@link steerableCanvas}). Not
 * exported by the package: the cameras send these functions to their pages as source text, and the
 * client benches' pages (`packages/client/bench/*-page`) import them by path to draw what the
 * cameras draw. They run in pages, so each must stay self-contained: no imports, no references
 * outside its own body.
 * @module
 */

type Point = { x: number; y: number };

/** Where {@link drawFakeMotion} draws. */
export interface FakeMotionView {
  /** Output size in pixels. */
  width: number;
  height: number;
  /** The part of the image shown, in image pixels, centred in the output. */
  src: { x: number; y: number; width: number; height: number };
  /** Output pixels per image pixel at rest. */
  scale: number;
  /** Eye centres in image pixels: with them, a turn slides the part of the face below the eyes. */
  eyes?: { left: Point; right: Point } | null;
}

/**
 * Draws one frame of a fake motion of `img` on `g`: a grey background, then `view.src` centred,
 * moved by `motion`, whose `amount` is
 * - `pan`: the phase of one sweep left and right (0..1);
 * - `zoom`: the scale factor (1 = at rest);
 * - `turn-left` / `turn-right`: the turn strength (0..1) — the face squeezed horizontally and
 *   shifted, and (with `view.eyes`) the part below the eyes slid sideways against them;
 * - anything else (`static`, `blink`, `neutral`): ignored, the image at rest.
 * @returns where the image was drawn (top-left corner, scales), to draw over it.
 */
export function drawFakeMotion(
  g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  img: CanvasImageSource,
  view: FakeMotionView,
  motion: string,
  amount: number,
): { x: number; y: number; sx: number; sy: number } {
  const { width, height, src, scale, eyes } = view;
  g.fillStyle = '#808080';
  g.fillRect(0, 0, width, height);
  const turn = motion === 'turn-left' || motion === 'turn-right';
  let sx = scale;
  let sy = scale;
  let dx = 0;
  if (motion === 'pan') dx = Math.sin(amount * 2 * Math.PI) * width * 0.12;
  if (motion === 'zoom') sx = sy = scale * amount;
  if (turn) {
    sx = scale * (1 - 0.35 * amount);
    dx = (motion === 'turn-left' ? -1 : 1) * width * 0.08 * amount;
  }
  const w = src.width * sx;
  const h = src.height * sy;
  const x = (width - w) / 2 + dx;
  const y = (height - h) / 2;
  g.drawImage(img, src.x, src.y, src.width, src.height, x, y, w, h);
  if (turn && eyes) {
    // The part of the face below the eyes (nose, mouth) slides sideways against the eyes, as it
    // does in a turn; squeezing alone scales everything alike and moves no landmark relative to
    // another.
    const ed = Math.hypot(eyes.right.x - eyes.left.x, eyes.right.y - eyes.left.y);
    const mx = (eyes.left.x + eyes.right.x) / 2;
    const my = (eyes.left.y + eyes.right.y) / 2;
    const band = { x: mx - 0.8 * ed, y: my + 0.3 * ed, width: 1.6 * ed, height: 1.5 * ed };
    const shift = (motion === 'turn-left' ? -1 : 1) * 0.5 * ed * sx * amount;
    g.drawImage(
      img,
      band.x,
      band.y,
      band.width,
      band.height,
      x + (band.x - src.x) * sx + shift,
      y + (band.y - src.y) * sy,
      band.width * sx,
      band.height * sy,
    );
  }
  return { x, y, sx, sy };
}

/** What {@link steerableCanvas} returns. */
export interface SteerableCanvas {
  canvas: HTMLCanvasElement;
  g: CanvasRenderingContext2D;
  width: number;
  height: number;
  /** Paints `img` with the person moved to `offset` (a challenge target). */
  draw(img: CanvasImageSource, offset: Point): void;
}

/**
 * The steerable camera's picture (`installSteerableCamera`): a canvas the size of `first` (a decoded
 * frame), on which `draw` paints a frame shifted by the offset × `scale` pixels on a plain grey wall.
 * `scale` defaults to the camera's `targetScale` default: the client's crop of a face rendered by
 * `renderFacePoses`, 2.4 × 0.28 of the picture width, at most its height.
 */
export function steerableCanvas(first: HTMLImageElement, scale?: number | null): SteerableCanvas {
  const width = first.naturalWidth;
  const height = first.naturalHeight;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const k = scale ?? Math.min(2.4 * 0.28 * width, height);
  return {
    canvas,
    g,
    width,
    height,
    draw(img, offset) {
      // The person moved to a target: the picture shifts (the uncovered edge is a plain grey wall).
      g.fillStyle = '#7f7f7f';
      g.fillRect(0, 0, width, height);
      g.drawImage(img, Math.round(offset.x * k), Math.round(offset.y * k), width, height);
    },
  };
}
