/**
 * The ceremonies module's public face for the rest of the server. Its description for the composition
 * (routes, store slice, migrations, verbs) is `module.ts`.
 */
export { beginCeremony, consumeCeremony } from './ceremonies.js';
export { createUsedCeremonies, type UsedCeremonies } from './used.js';
export { ceremonyNotFound } from './errors.js';
export {
  useSealedCeremony,
  canSealCeremonies,
  openSealedCeremony,
  parseSealedCeremonyId,
  releaseSealedCeremony,
  sealCeremony,
  sealedCeremonyIsFor,
  type SealedCeremony,
} from './sealed.js';
