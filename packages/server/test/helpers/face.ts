import type { FaceAction, FaceEvidence } from '@twofold/protocol';

// Hand-built face evidence: JSON the server must judge whatever its origin. The real camera
// pipeline is exercised in the client tests and e2e.
let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
/** A random 128-d face descriptor (deterministic sequence). */
export const person = () => Array.from({ length: 128 }, () => rand() * 0.09);
/** The same face with a little noise. */
export const near = (base: number[], noise = 0.01) => base.map((x) => x + rand() * noise);

/** A plausible camera session performing `actions` in order (or nothing: a still photo). */
export function evidence(challengeId: string, face: number[], actions: FaceAction[], o: { still?: boolean } = {}): FaceEvidence {
  const frames: FaceEvidence['frames'] = [];
  let t = 0;
  const push = (yaw: number, width: number, n: number) => {
    for (let i = 0; i < n; i++) frames.push({ t: (t += 66), box: { x: 200, y: 120, width, height: width * 1.2 }, yaw, eyeOpenness: 0.3 });
  };
  push(0, 150, 5);
  if (!o.still) {
    for (const a of actions) {
      if (a === 'turn_left') push(-0.25, 150, 5);
      if (a === 'turn_right') push(0.25, 150, 5);
      if (a === 'move_closer') push(0, 200, 5);
      push(0, 150, 3);
    }
  } else push(0, 150, 30);
  return { version: 1, challengeId, frame: { width: 640, height: 480 }, frames, descriptors: [near(face), near(face), near(face), near(face)] };
}

