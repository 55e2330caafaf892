import { LIVENESS, analyzeFaceTrack, descriptorDistance, meanDescriptor, type FaceAction, type FaceEvidence } from '@twofold/protocol';
import type { CeremonyRecord } from '../ceremonies/store.js';
import { TwofoldError } from '../errors.js';

/**
 * The server's liveness decision on the evidence (never the client's): the evidence answers
 * this challenge; the timing is plausible; the requested actions appear in the track in the
 * requested order; the descriptors of the session agree (one person throughout).
 * Returns the session's face (mean descriptor). Throws `LIVENESS_FAILED`.
 */
export function checkLiveness(ceremony: CeremonyRecord, evidence: FaceEvidence): number[] {
  const fail = (why: string): never => {
    throw new TwofoldError('LIVENESS_FAILED', `Liveness check failed: ${why}.`, { reason: why });
  };
  if (evidence.challengeId !== ceremony.id) fail('the evidence answers another challenge');
  const { frames } = evidence;
  if (frames.length < LIVENESS.minFrames) fail(`too few frames (${frames.length})`);
  for (let i = 1; i < frames.length; i++) if (!(frames[i]!.t > frames[i - 1]!.t)) fail('frame times are not increasing');
  const duration = frames.at(-1)!.t - frames[0]!.t;
  if (duration < LIVENESS.minDurationMs) fail('the session is implausibly short');
  if (duration > LIVENESS.maxDurationMs) fail('the session is too long');
  // Capture cannot outrun the frame rate of a camera.
  if (frames.length / (duration / 1000) > 120) fail('more frames than a camera delivers');
  const actions = (ceremony.data.actions as FaceAction[]) ?? [];
  const { done } = analyzeFaceTrack(frames, actions);
  if (done < actions.length) fail(`the requested actions were not seen in order (${done} of ${actions.length})`);
  const probe = meanDescriptor(evidence.descriptors);
  const spread = Math.max(...evidence.descriptors.map((d) => descriptorDistance(d, probe)));
  // Fail closed: a NaN or infinite spread (absurd descriptor values) is a refusal, never a pass.
  if (!(spread <= LIVENESS.maxSpread)) fail('the face changed during the session');
  return probe;
}
