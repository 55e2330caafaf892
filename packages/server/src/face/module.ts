import { defineModule } from '../module.js';
import { enrollFace, getClientState, startFaceChallenge, verifyFace } from './face.js';
import { migrations } from './migrations.js';
import { FACE_EVIDENCE_PATHS, faceRoutes } from './routes.js';
import { faceSql } from './sql.js';

/** Face: enrolment and checks decided on the server from the frames it receives. */
export const faceModule = defineModule({
  name: 'face',
  migrations,
  sql: faceSql,
  routes: faceRoutes,
  evidencePaths: FACE_EVIDENCE_PATHS,
  verbs: {
    face: {
      startChallenge: startFaceChallenge,
      enroll: enrollFace,
      verify: verifyFace,
      /** The stored client state of a backup/temporary face device (for the host to hand to a recovering client). */
      getClientState: getClientState,
    },
  },
});
