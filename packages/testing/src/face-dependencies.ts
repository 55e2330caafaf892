/**
 * The face helpers' packages are optional peers of `@twofold/testing`: the authenticator helpers
 * need none of them. `renderFacePose` needs `sharp`, `samplePerson` face-api's sample photos, and
 * `@twofold/testing/faces` all of them; each loads what it needs on first use and, when it is not
 * installed, throws naming the `npm install` command.
 */
import { createRequire } from 'node:module';

/** The packages (and versions) the face helpers run on — optional peer dependencies. */
export const FACE_PEER_DEPENDENCIES = {
  '@tensorflow/tfjs': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  '@vladmandic/face-api': '1.7.15',
  sharp: '^0.35.5',
} as const;

/** The `npm install …` line that adds them (as dev dependencies of a test suite). */
export const FACE_INSTALL_COMMAND = `npm install --save-dev ${Object.entries(FACE_PEER_DEPENDENCIES)
  .map(([name, range]) => `${name}@${range.replace(/^\^/, '')}`)
  .join(' ')}`;

const require = createRequire(import.meta.url);

/** `require(id)` of an optional peer, or an error naming the install command. */
export function requireFacePeer<T>(id: string, what: string): T {
  try {
    return require(id) as T;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw cause;
    throw new Error(
      `${what} needs the face helpers' packages, which are optional and not installed here (${id} is missing). Install them:\n  ${FACE_INSTALL_COMMAND}`,
      { cause },
    );
  }
}

/** `require.resolve(id)` of an optional peer, or an error naming the install command. */
export function resolveFacePeer(id: string, what: string): string {
  try {
    return require.resolve(id);
  } catch (cause) {
    throw new Error(
      `${what} needs the face helpers' packages, which are optional and not installed here (${id} is missing). Install them:\n  ${FACE_INSTALL_COMMAND}`,
      { cause },
    );
  }
}

/** sharp, loaded on first use. */
export function loadSharp(what: string): typeof import('sharp').default {
  return requireFacePeer<typeof import('sharp').default>('sharp', what);
}
