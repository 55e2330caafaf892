/**
 * The bank's own Express server, as a team would write it: its JSON body parser runs first for
 * every route, it has its own `users` table in `public` and its own API, and it adds Twofold
 * under `/auth` from the published packages. Twofold's tables go into their own schema.
 *
 * Settings (environment): DATABASE_URL, TWOFOLD_SECRET_KEYS (the bank's own variable name; the
 * library takes keys as an option), PORT, SERVICE_API_KEY (the bank's backend-to-Twofold key,
 * also used by the tests' `twofold` fixture).
 */
import express from 'express';
import pg from 'pg';
import { createTwofold, parseKeyring } from '@twofold/server';
import { clientAddress, toNodeListener } from '@twofold/server/node';
import { createPostgresStore } from '@twofold/server/postgres';
import { fileURLToPath } from 'node:url';

const env = (name: string): string => process.env[name] ?? fail(`${name} is not set`);
function fail(message: string): never {
  throw new Error(message);
}

const port = Number(process.env.PORT ?? 3000);
const origin = `http://localhost:${port}`;
const databaseUrl = env('DATABASE_URL');

const store = await createPostgresStore({ connectionString: databaseUrl });
const twofold = createTwofold({
  store,
  secretKeys: parseKeyring(env('TWOFOLD_SECRET_KEYS')),
  rp: { id: 'localhost', name: 'Acme Bank', origins: [origin] },
  openRegistration: true,
  // Where the API lives (the default is /api/v1), and the client address for per-address rate limits.
  http: { basePath: '/auth', clientAddress },
});
await twofold.tokens.ready();
await twofold.apiKeys.ensure({ name: 'acme-backend', secret: env('SERVICE_API_KEY') });

// The bank's own data, in its own `public.users` table.
const bank = new pg.Pool({ connectionString: databaseUrl });

const app = express();
app.use(express.json()); // the bank's parser runs before Twofold sees a request

app.use('/auth', toNodeListener(twofold.handler));

app.get('/api/me', async (req, res) => {
  const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  if (!token) return void res.status(401).json({ error: 'sign in first' });
  try {
    const claims = await twofold.tokens.verify({ token });
    const user = await twofold.users.get({ userId: claims.userId });
    const { rows } = await bank.query<{ count: string }>('SELECT count(*) FROM public.users');
    res.json({ username: user.username, greeting: `Welcome to Acme, customer ${Number(rows[0]?.count ?? 0) + 1}` });
  } catch {
    res.status(401).json({ error: 'session ended' });
  }
});

app.use(express.static(fileURLToPath(new URL('./web/', import.meta.url))));

const server = app.listen(port, () => console.log(`acme listening on ${origin}`));
const stop = () => server.close(() => void Promise.all([bank.end(), store.close()]).finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
