import { TwofoldError } from '../errors.js';

/** The one answer for an unknown, altered or already used ceremony, stored or stateless (a replay lands here). */
export const ceremonyNotFound = () => new TwofoldError('CHALLENGE_NOT_FOUND', 'This ceremony does not exist or was already used.');

/** The answer for a ceremony past its TTL, stored or stateless. */
export const ceremonyExpired = () => new TwofoldError('CHALLENGE_EXPIRED', 'This ceremony expired; start again.');
