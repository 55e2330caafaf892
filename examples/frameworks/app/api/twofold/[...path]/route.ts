/**
 * Next.js App Router: every method of every path under /api/twofold goes to Twofold's Fetch
 * handler (a route handler takes a `Request` and returns a `Response`: nothing to adapt).
 */
import { getTwofold } from '../../../_lib/twofold.js';

export const runtime = 'nodejs'; // the embedded database and argon2 need Node, not the Edge runtime
export const dynamic = 'force-dynamic'; // never cache API answers

async function handle(request: Request): Promise<Response> {
  return (await getTwofold()).handler(request);
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
