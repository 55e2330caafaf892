import { apiKeysModule } from './apikeys/module.js';
import { auditModule } from './audit/module.js';
import { ceremoniesModule } from './ceremonies/module.js';
import { codesModule } from './codes/module.js';
import { deviceKeysModule } from './devicekeys/module.js';
import { devicesModule } from './devices/module.js';
import { faceModule } from './face/module.js';
import type { TwofoldModule, Verbs } from './module.js';
import { passkeysModule } from './passkeys/module.js';
import { pinsModule } from './pins/module.js';
import { sessionsModule } from './sessions/module.js';
import { rateLimitsModule } from './ratelimits/module.js';
import { recoveryModule } from './recovery/module.js';
import { sweepModule } from './sweep/module.js';
import { transactionsModule } from './transactions/module.js';
import { usersModule } from './users/module.js';

/**
 * The domain modules, the one list the server is assembled from: the SQL store joins their
 * slices, the migrations join their parts (in this order, so a table comes before the tables
 * that reference it), the HTTP app mounts their routes and `createTwofold` returns their verbs.
 * A new module is a folder with a `module.ts` and one line here (plus its slice in `Store`, store.ts: `modules.test.ts` checks they agree).
 */
export const MODULES = [
  usersModule,
  devicesModule,
  passkeysModule,
  ceremoniesModule,
  sessionsModule,
  apiKeysModule,
  auditModule,
  codesModule,
  rateLimitsModule,
  pinsModule,
  transactionsModule,
  faceModule,
  recoveryModule,
  deviceKeysModule,
  sweepModule,
] as const;

type Modules = (typeof MODULES)[number];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type SliceOf<M> = M extends TwofoldModule<infer S, Verbs> ? S : never;
type VerbsOf<M> = M extends TwofoldModule<object, infer V> ? V : never;

/** The modules' verbs joined: what the object `createTwofold` returns has (bound to its context). */
export type ModuleVerbs = UnionToIntersection<VerbsOf<Modules>>;
/** The modules' store slices joined: what the SQL store builds. */
export type ModuleSlices = UnionToIntersection<SliceOf<Modules>>;
