/**
 * The face stack is opt-in: `@tensorflow/tfjs`, its WASM backend, `@vladmandic/face-api` and
 * `sharp` are optional peer dependencies of `@twofold/server`, so passkey-only installs pull no
 * ML code. `@twofold/server/face` imports none of them at load; `createFaceAnalyzer()` and
 * `createFacePipeline()` check them first and say what to install.
 */
import { createRequire } from 'node:module';

/** The packages (and versions) `@twofold/server/face` runs on — its optional peer dependencies. */
export const FACE_PEER_DEPENDENCIES = {
  '@tensorflow/tfjs': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  '@vladmandic/face-api': '1.7.15',
  sharp: '^0.35.5',
} as const;

/** The `npm install …` line that adds the face stack to an app. */
export const FACE_INSTALL_COMMAND = `npm install ${Object.entries(FACE_PEER_DEPENDENCIES)
  .map(([name, range]) => `${name}@${range.replace(/^\^/, '')}`)
  .join(' ')}`;

/** Which of {@link FACE_PEER_DEPENDENCIES} cannot be resolved from `from` (default: this package). */
export function missingFacePeers(from: string | URL = import.meta.url): string[] {
  const require = createRequire(from);
  return Object.keys(FACE_PEER_DEPENDENCIES).filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch (error) {
      // Found, but its `exports` do not list package.json (sharp): installed.
      return (error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED';
    }
  });
}

/** Throws, naming the install command, when part of the face stack is not installed. */
export function assertFacePeers(from: string | URL = import.meta.url): void {
  const missing = missingFacePeers(from);
  if (missing.length === 0) return;
  throw new Error(
    `@twofold/server/face needs the face stack, which is optional and not installed here (missing: ${missing.join(', ')}). ` +
      `Install it in your app:\n  ${FACE_INSTALL_COMMAND}\n` +
      'Passkeys, codes, PINs and transactions need none of it: without a faceAnalyzer the face routes answer 503 NOT_CONFIGURED.',
  );
}
