/** What every recipe test shares: a real listening server, a real sign-up over HTTP. */
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { clientAddress } from '@twofold/server/node';
import { createSoftAuthenticator } from '@twofold/testing';

/** The origin the software authenticator signs for (the servers listen on ephemeral ports). */
export const ORIGIN = 'http://localhost:3000';

let n = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}`;

/** Listens on a free port of 127.0.0.1; `url` is its origin. */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves `server` on a free port (see {@link listen}), runs `use` with its origin, and always closes it. */
export async function withServer<T>(server: Server, use: (url: string) => Promise<T>): Promise<T> {
  const listening = await listen(server);
  try {
    return await use(listening.url);
  } finally {
    await listening.close();
  }
}

export interface Answer {
  status: number;
  contentType: string | null;
  json: any;
}

/** A JSON request; the answer's status, content type and parsed body. */
export async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, contentType: res.headers.get('content-type'), json };
}

/**
 * A passkey sign-up against the API at `api` (e.g. `http://127.0.0.1:PORT/api/v1`): registration
 * options, a credential from the software authenticator, verification. Then `GET /me` with the
 * session token it returned. Throws with the server's answer on any failure.
 */
export async function signUp(api: string, username = unique('ada'), fetchFn: (req: Request) => Promise<Response> = fetch) {
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetchFn(new Request(api + path, init));
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const post = (path: string, body: unknown) =>
    send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const authenticator = createSoftAuthenticator({ origin: ORIGIN });
  const { ceremonyId, options } = await post('/passkeys/register/options', { username });
  const response = await authenticator.createCredential(options);
  const verified = (await post('/passkeys/register/verify', { ceremonyId, response })) as { userId: string; token: string };
  const me = await send('/me', { headers: { authorization: `Bearer ${verified.token}` } });
  return { ...verified, username, me };
}

/** A `clientAddress` source that also records what it saw (to check an adapter passes the socket's address on). */
export function recordingClientAddress() {
  const seen: (string | undefined)[] = [];
  return {
    seen,
    source: (req: Request) => {
      const address = clientAddress(req);
      seen.push(address);
      return address;
    },
  };
}

/** Loopback, as IPv4 or IPv4-mapped IPv6. */
export const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/;

/** Sends a request head with a 17 KiB header on a raw socket; the status line, head and parsed body of the answer. */
export function oversizedHead(port: number): Promise<{ statusLine: string; head: string; json: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (text += d));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      try {
        resolve({ statusLine: head.split('\r\n')[0]!, head: head.toLowerCase(), json: JSON.parse(body) });
      } catch {
        reject(new Error(`not problem+json: ${JSON.stringify(text.slice(0, 300))}`));
      }
    });
    socket.write(`GET /api/v1/me HTTP/1.1\r\nhost: localhost\r\ncookie: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
  });
}
