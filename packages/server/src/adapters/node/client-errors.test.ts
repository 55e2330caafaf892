import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './index.js';

/** Sends `head` on a raw socket and returns everything the server answers before closing. */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(head);
  });
}

const parse = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n');
  return { statusLine: head!.split('\r\n')[0], head: head!.toLowerCase(), json: JSON.parse(body!) };
};

describe('serve: request heads Node refuses get problem+json', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({ handler: () => new Response('ok'), port: 0, hostname: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('a head over 16 KiB: 431 HEADERS_TOO_LARGE', async () => {
    const answer = parse(
      await raw(server.port, `GET /api/v1/users HTTP/1.1\r\nhost: localhost\r\nx-big: ${'a'.repeat(20 * 1024)}\r\n\r\n`),
    );
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.head).toContain('content-type: application/problem+json');
    expect(answer.json).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', limit: 16 * 1024 });
  });

  it('a malformed request line: 400 INVALID_REQUEST', async () => {
    const answer = parse(await raw(server.port, 'GET\x01 / HTTP/1.1\r\nhost: localhost\r\n\r\n'));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.head).toContain('content-type: application/problem+json');
    expect(answer.json).toMatchObject({ status: 400, code: 'INVALID_REQUEST', type: 'https://twofold.dev/problems/invalid-request' });
  });

  it('closes the connection after answering, even when the client keeps its side open (no half-open sockets to pile up)', async () => {
    const open = () => new Promise<number>((resolve, reject) => server.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    // Clients that send a bad head, read the answer, and never close (allowHalfOpen: no FIN from them).
    const sockets = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
            socket.on('error', () => {});
            socket.once('data', () => resolve(socket));
            socket.write('GET\x01 / HTTP/1.1\r\nhost: localhost\r\n\r\n');
          }),
      ),
    );
    await expect.poll(open, { timeout: 3000 }).toBe(0);
    for (const s of sockets) s.destroy();
  });

  it('a well-formed request still reaches the handler', async () => {
    expect(await raw(server.port, 'GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200 OK[\s\S]*ok$/,
    );
  });
});
