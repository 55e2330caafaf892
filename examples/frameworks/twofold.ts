/**
 * One Twofold instance for the framework recipes: an embedded PGlite database (in memory unless
 * `dataDir`), the API under `basePath` (default `/api/v1`), per-address rate limits from the
 * Node adapters' `clientAddress`. In your app: a PostgreSQL store and `secretKeys` (see the
 * server README).
 */
import { createTwofold, type Twofold } from '@twofold/server';
import { clientAddress } from '@twofold/server/node';
import type { Store } from '@twofold/server';

export interface ExampleTwofoldOptions {
  store: Store;
  /** The origin pages are served from (WebAuthn checks it). */
  origin: string;
  /** Where the API is served. Default `/api/v1`. */
  basePath?: string;
  /** The client-address source. Default: the Node adapters' `clientAddress`. */
  clientAddress?: (req: Request) => string | undefined;
}

export function createExampleTwofold(options: ExampleTwofoldOptions): Twofold {
  return createTwofold({
    store: options.store,
    rp: { id: new URL(options.origin).hostname, name: 'Twofold recipes', origins: [options.origin] },
    openRegistration: true,
    http: { clientAddress: options.clientAddress ?? clientAddress, ...(options.basePath && { basePath: options.basePath }) },
  });
}
