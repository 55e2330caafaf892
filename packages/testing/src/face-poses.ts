import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharp, resolveFacePeer } from './face-dependencies.js';
import { mulberry32 } from './random.js';

/**
 * The head poses a Twofold face challenge asks for, plus the neutral (frontal) pose every capture
 * starts from. `turn_left` is a turn toward the image's left (the nose moves left in the picture).
 */
export type FacePose = 'neutral' | 'turn_left' | 'turn_right' | 'move_closer';

/** Every {@link FacePose}, neutral first. */
export const FACE_POSES: readonly FacePose[] = ['neutral', 'turn_left', 'turn_right', 'move_closer'];

/** A photo with one (roughly frontal) face to animate, and where that face is, in image pixels. */
export interface FaceSource {
  /** The photo: JPEG, PNG or WebP bytes. */
  image: Uint8Array;
  face: {
    /** The face box (a face detector's box; SSD's is what the sizes below are tuned for). */
    box: { x: number; y: number; width: number; height: number };
    /** Eye centres; `left` is the one on the image's left. */
    eyes: { left: { x: number; y: number }; right: { x: number; y: number } };
    /** The nose tip (68-landmark point 30). Default: 0.6 eye distances below the eyes' midpoint. */
    nose?: { x: number; y: number };
    /**
     * How far the head in the photo is already turned, in radians (positive: as `turn_right`
     * turns it). Every pose is rendered from a head turned back by this much, so `neutral` faces
     * the camera as a user told to look straight at it would. Default 0.
     */
    yaw?: number;
  };
}

/** Options of {@link renderFacePose}. */
export interface RenderFacePoseOptions {
  pose: FacePose;
  /** How much of the motion, 0..1 (0 = neutral). Default 1. */
  amount?: number;
  /** Frame size in pixels. Default 640×480. */
  width?: number;
  height?: number;
  /** Standard deviation of the per-pixel sensor noise, in 8-bit levels. Default 2; 0 = none. */
  noise?: number;
  /** Seed of the noise (and nothing else). Default: a fresh random seed per call. */
  seed?: number;
  /** JPEG quality. Default 90. */
  quality?: number;
}

/** Head rotation of a full turn, in radians (≈ 37°). */
const TURN = 0.65;
/** Scale of a full `move_closer`, relative to neutral. */
const CLOSER = 1.35;
/** Face box width in a neutral frame, as a fraction of the frame width. */
const FACE_FRACTION = 0.2;

/**
 * Renders one webcam-like JPEG frame of the face in `source` in a head pose: the face is cut out
 * of the photo (a soft ellipse around the face box, so no other face in the photo shows), levelled
 * (eye line horizontal), centred on a plain wall, its box ≈ 21 % of the frame width in `neutral` (face-api's SSD box; the browser tracker's box is ≈ 1.5× wider, ≈ 32 %, inside the client's framing window of 15–40 %).
 * - `move_closer` scales the face ≈ 1.35× around the centre of its eyes and mouth.
 * - `turn_left` / `turn_right` rotate the head about a vertical axis by ≈ 37°, keeping the face
 *   face where it was (as a user keeping the face on a mark does), modelled as a 2D
 *   warp: each row of the face is treated as an elliptic cylinder (the head) plus a ridge at the
 *   nose (`face.nose`, else a guess below the eyes), rotated and projected back, with the side
 *   turning away compressed and hidden behind the near side. The nose therefore moves against the eyes and the far cheek narrows, as in a real
 *   turn — but nothing that was hidden in the photo (the far side of the head, an ear) appears.
 * - Gaussian sensor noise (`noise`, seeded) makes every call's bytes different, as consecutive
 *   frames of a real camera are.
 * This is a 2D rendering of one photo: no depth, lighting change, motion blur or real sensor
 * pipeline. Measured with face-api (SSD + 68 landmarks + descriptor) in `face-poses.test.ts`.
 */
export async function renderFacePose(source: FaceSource, options: RenderFacePoseOptions): Promise<Uint8Array> {
  const W = options.width ?? 640;
  const H = options.height ?? 480;
  const amount = options.amount ?? 1;
  const sigma = options.noise ?? 2;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 16 || H < 16 || W > 4096 || H > 4096)
    throw new Error('width and height must be integers in 16..4096');
  if (!(amount >= 0 && amount <= 1)) throw new Error('amount must be in 0..1');
  if (!(sigma >= 0 && sigma <= 64)) throw new Error('noise must be in 0..64');
  const src = await decode(source.image);
  const { box, eyes } = source.face;

  // Face-aligned coordinates (u, v), in source pixels: origin at the eyes' midpoint, u along the
  // eye line, v down. A source point is O + rot(roll)·(u, v).
  const ox = (eyes.left.x + eyes.right.x) / 2;
  const oy = (eyes.left.y + eyes.right.y) / 2;
  const roll = Math.atan2(eyes.right.y - eyes.left.y, eyes.right.x - eyes.left.x);
  const cr = Math.cos(roll);
  const sr = Math.sin(roll);
  const eye = Math.hypot(eyes.right.x - eyes.left.x, eyes.right.y - eyes.left.y);
  if (!(eye > 4 && box.width > 8 && box.height > 8)) throw new Error('face too small or malformed');
  // The box centre in face coordinates, which lands on the frame's centre.
  const bx = box.x + box.width / 2 - ox;
  const by = box.y + box.height / 2 - oy;
  const bu = bx * cr + by * sr;
  const bv = -bx * sr + by * cr;

  const base = (FACE_FRACTION * W) / box.width;
  const scale = base * (options.pose === 'move_closer' ? 1 + (CLOSER - 1) * amount : 1);
  const phi = (options.pose === 'turn_left' ? -TURN * amount : options.pose === 'turn_right' ? TURN * amount : 0) - (source.face.yaw ?? 0);
  const neutralPhi = -(source.face.yaw ?? 0);
  // Head model: elliptic cylinder (half-width ru, depth rz) plus a nose ridge.
  const ru = 0.75 * box.width;
  const rz = 0.5 * box.width;
  // The neutral frame centres the face box. Every other pose keeps the face's centre — the centre
  // of its eyes and mouth (`faceCentre` in @twofold/protocol), about (0, 0.55 eye distances) in
  // face coordinates, standing out ≈ 0.95 rz from the head's axis — where the neutral frame has
  // it, as a user keeping the face on a mark does: a head turning about the neck would otherwise
  // carry the face toward the turn, and a face coming closer would grow about another point.
  const qv = 0.55 * eye;
  const qz = 0.95 * rz;
  const cx = W / 2 - bu * base - qz * (Math.sin(phi) - Math.sin(neutralPhi)) * scale;
  const cy = H / 2 + (qv - bv) * base - qv * scale;

  // Cut-out: a soft ellipse around the face box, a little above its centre to keep the hairline.
  const mu = bu;
  const mv = bv - 0.08 * box.height;
  const ma = 0.72 * box.width;
  const mb = 0.78 * box.height;
  const nose = 0.6 * eye;
  // The nose tip in face coordinates: where the nose ridge of the head model stands out.
  const nx = source.face.nose ? source.face.nose.x - ox : -0.6 * eye * sr;
  const ny = source.face.nose ? source.face.nose.y - oy : 0.6 * eye * cr;
  const noseU = nx * cr + ny * sr;
  const noseV = -nx * sr + ny * cr;

  const out = new Uint8Array(W * H * 3);
  const rand = mulberry32(options.seed ?? randomInt(2 ** 31));
  const cosP = Math.cos(phi);
  const sinP = Math.sin(phi);
  const steps = Math.ceil(2 * ru * scale * 3);
  const srcU = new Float64Array(W);
  const depth = new Float64Array(W);
  for (let Y = 0; Y < H; Y++) {
    const v = (Y - cy) / scale;
    // Row LUT: output column → u on the rotated head surface (NaN: not on the head).
    srcU.fill(Number.NaN);
    if (phi === 0) {
      for (let X = 0; X < W; X++) srcU[X] = (X - cx) / scale;
    } else {
      depth.fill(-Infinity);
      const ridge = nose * Math.exp(-(((v - noseV) / (0.55 * eye)) ** 2));
      let px = 0;
      let pz = 0;
      let pu = 0;
      for (let i = 0; i <= steps; i++) {
        const u = -ru + (2 * ru * i) / steps;
        const z = rz * Math.sqrt(Math.max(0, 1 - (u / ru) ** 2)) + ridge * Math.exp(-(((u - noseU) / (0.5 * eye)) ** 2));
        const x = cx + (u * cosP + z * sinP) * scale; // output column of this surface point
        const zr = -u * sinP + z * cosP; // its depth toward the camera after the turn
        if (i > 0) {
          // Scan-convert the segment (previous → this) into columns, nearest surface wins.
          const lo = Math.max(0, Math.ceil(Math.min(px, x)));
          const hi = Math.min(W - 1, Math.floor(Math.max(px, x)));
          for (let X = lo; X <= hi; X++) {
            const t = x === px ? 0 : (X - px) / (x - px);
            const zz = pz + t * (zr - pz);
            if (zz > depth[X]!) {
              depth[X] = zz;
              srcU[X] = pu + t * (u - pu);
            }
          }
        }
        px = x;
        pz = zr;
        pu = u;
      }
    }
    for (let X = 0; X < W; X++) {
      const o = (Y * W + X) * 3;
      // The wall: a soft vertical gradient.
      const g = 1 - 0.18 * (Y / H);
      let r = 196 * g;
      let gr = 190 * g;
      let b = 180 * g;
      const u = srcU[X]!;
      if (!Number.isNaN(u)) {
        const e = ((u - mu) / ma) ** 2 + ((v - mv) / mb) ** 2;
        const alpha = e >= 1 ? 0 : e <= 0.75 ? 1 : (1 - e) / 0.25;
        if (alpha > 0) {
          const sx = ox + u * cr - v * sr;
          const sy = oy + u * sr + v * cr;
          const [pr, pg, pb] = sample(src, sx, sy);
          r += alpha * (pr - r);
          gr += alpha * (pg - gr);
          b += alpha * (pb - b);
        }
      }
      if (sigma > 0) {
        r += sigma * gauss(rand);
        gr += sigma * gauss(rand);
        b += sigma * gauss(rand);
      }
      out[o] = clamp(r);
      out[o + 1] = clamp(gr);
      out[o + 2] = clamp(b);
    }
  }
  const jpeg = await loadSharp('renderFacePose')(out, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: options.quality ?? 90 })
    .toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

/** Options of {@link renderFacePoses}. */
export interface RenderFacePosesOptions extends Omit<RenderFacePoseOptions, 'pose' | 'seed' | 'amount'> {
  /** Frames per pose. Default 1. */
  frames?: number;
  /** Poses to render. Default all of {@link FACE_POSES}. */
  poses?: readonly FacePose[];
}

/**
 * Renders `frames` JPEG frames of every pose (each with its own noise), e.g. the `person` of
 * `installSteerableCamera`.
 */
export async function renderFacePoses(source: FaceSource, options: RenderFacePosesOptions = {}): Promise<Record<FacePose, Uint8Array[]>> {
  const result = { neutral: [], turn_left: [], turn_right: [], move_closer: [] } as Record<FacePose, Uint8Array[]>;
  for (const pose of options.poses ?? FACE_POSES) {
    for (let i = 0; i < (options.frames ?? 1); i++) result[pose].push(await renderFacePose(source, { ...options, pose }));
  }
  return result;
}

/**
 * Two identities from face-api's sample photos (shipped in `@vladmandic/face-api/demo`, MIT), as
 * located by face-api's SSD detector and 68 landmarks (`locateFaces` in `@twofold/testing/faces`;
 * `face-poses.test.ts` checks these numbers still hold). A and B are different people (descriptor
 * distance ≈ 0.73). Chosen by measurement among the near-frontal faces of the six photos: these two
 * keep their identity best under {@link renderFacePose}'s turns (sample5's best face, used before,
 * drifted to 0.52 from its neutral frame in `turn_left`). Both photos show the head a little
 * turned (face-api's yaw measure −0.11 and −0.13): `yaw` turns it back so that `neutral` measures
 * within ±0.1 — a user looking straight at the camera — and the turns are about symmetric.
 */
export const SAMPLE_PEOPLE = {
  a: {
    file: 'sample3.jpg',
    face: {
      box: { x: 585, y: 329, width: 199, height: 271 },
      eyes: { left: { x: 627, y: 430 }, right: { x: 720, y: 432 } },
      nose: { x: 660, y: 488 },
      yaw: -0.15,
    },
  },
  b: {
    file: 'sample2.jpg',
    face: {
      box: { x: 1447, y: 153, width: 194, height: 242 },
      eyes: { left: { x: 1482, y: 281 }, right: { x: 1561, y: 254 } },
      nose: { x: 1528, y: 329 },
      yaw: -0.1,
    },
  },
} as const satisfies Record<string, { file: string; face: FaceSource['face'] }>;

/** A person of {@link SAMPLE_PEOPLE}. */
export type SamplePerson = keyof typeof SAMPLE_PEOPLE;

/** The path of one of face-api's sample photos (`sample1.jpg` … `sample6.jpg`). */
export function sampleImagePath(file: string): string {
  if (!/^sample[1-6]\.jpg$/.test(file)) throw new Error('face-api ships sample1.jpg … sample6.jpg');
  return join(dirname(resolveFacePeer('@vladmandic/face-api/package.json', 'samplePerson / sampleImagePath')), 'demo', file);
}

/** A {@link FaceSource} for person `a` or `b` of {@link SAMPLE_PEOPLE}, ready for {@link renderFacePose}. */
export async function samplePerson(person: SamplePerson): Promise<FaceSource> {
  const p = SAMPLE_PEOPLE[person];
  if (!p) throw new Error(`unknown sample person ${String(person)}`);
  return { image: new Uint8Array(await readFile(sampleImagePath(p.file))), face: p.face };
}

interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
}

const decoded = new WeakMap<Uint8Array, Promise<Raster>>();

/** Decodes (and caches per byte array) an image to RGB. */
function decode(image: Uint8Array): Promise<Raster> {
  let raster = decoded.get(image);
  if (!raster) {
    raster = loadSharp('renderFacePose')(image)
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => ({
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        width: info.width,
        height: info.height,
      }));
    decoded.set(image, raster);
  }
  return raster;
}

const px: [number, number, number] = [0, 0, 0];

/** Bilinear sample at (x, y), edge pixels repeated. Returns a shared tuple. */
function sample(img: Raster, x: number, y: number): [number, number, number] {
  const { data, width, height } = img;
  const xc = Math.min(width - 1.001, Math.max(0, x));
  const yc = Math.min(height - 1.001, Math.max(0, y));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const fx = xc - x0;
  const fy = yc - y0;
  const i00 = (y0 * width + x0) * 3;
  const i10 = i00 + 3;
  const i01 = i00 + width * 3;
  const i11 = i01 + 3;
  for (let c = 0; c < 3; c++) {
    const top = data[i00 + c]! + fx * (data[i10 + c]! - data[i00 + c]!);
    const bottom = data[i01 + c]! + fx * (data[i11 + c]! - data[i01 + c]!);
    px[c] = top + fy * (bottom - top);
  }
  return px;
}

function clamp(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}

/** Approximately standard normal (Irwin–Hall with four uniforms, rescaled). */
function gauss(rand: () => number): number {
  return (rand() + rand() + rand() + rand() - 2) * 1.7320508;
}
