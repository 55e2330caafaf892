/**
 * Problem+json for requests Node's HTTP parser refuses before any handler runs: a request head
 * over `maxHeaderSize` (16 KiB by default) or one that is not HTTP/1.1.
 */
import { maxHeaderSize as defaultMaxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../errors.js';
import { STATUS_BY_CODE } from '../../http/problem.js';

const REASONS: Partial<Record<number, string>> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' };

/** A raw HTTP/1.1 response with a problem+json body (the shape `problemResponse` answers with). */
function rawProblem(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}): string {
  const status = STATUS_BY_CODE[code];
  const reason = REASONS[status] ?? 'Error';
  const body = JSON.stringify({
    ...extensions,
    type: `https://twofold.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: reason,
    status,
    code,
    detail,
  });
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'content-type: application/problem+json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'cache-control: no-store\r\n' +
    'x-content-type-options: nosniff\r\n' +
    'connection: close\r\n\r\n' +
    body
  );
}

/**
 * A listener for Node's `clientError` event (what {@link handleClientErrors} attaches; Fastify:
 * pass it as the `clientErrorHandler` option). A request head over the server's `maxHeaderSize`
 * gets 431 `HEADERS_TOO_LARGE`, any other malformed request 400 `INVALID_REQUEST`, both as
 * problem+json, and the connection is closed. A request that timed out gets Node's bare 408; a
 * reset or unwritable socket, or one whose response has already begun, is destroyed.
 * @param error the parser's error (`code` `HPE_HEADER_OVERFLOW`, `HPE_INVALID_METHOD`, …).
 * @param socket the client's connection.
 */
/**
 * Writes `response` and closes the connection for good, as Node's own handler does: `end()` alone
 * would leave it half-open for as long as the client keeps its side open (past every server
 * timeout), and a client could hold the server's file handles that way. Destroyed once the
 * response is flushed, or after 5 s if the client does not read it.
 */
function answerAndClose(socket: Duplex, response: string): void {
  socket.end(response, () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), 5_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export function clientErrorListener(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answerAndClose(socket, 'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n');
    return;
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const server = (socket as Duplex & { server?: { maxHeaderSize?: number } }).server;
    const limit = server?.maxHeaderSize ?? defaultMaxHeaderSize;
    answerAndClose(
      socket,
      rawProblem('HEADERS_TOO_LARGE', `The request line and headers are larger than this server accepts (${limit} bytes).`, { limit }),
    );
    return;
  }
  answerAndClose(socket, rawProblem('INVALID_REQUEST', 'The request is not valid HTTP/1.1.'));
}

const handled = new WeakSet<Server>();

/**
 * Answers malformed and oversized request heads on `server` with problem+json (see
 * {@link clientErrorListener}) instead of Node's bare 400/431. `serve` does it for its own server;
 * call it on yours: `handleClientErrors(app.listen(port))` (Express), `handleClientErrors(http.createServer(…))`,
 * `handleClientErrors(koa.listen(port))`. Fastify: `Fastify({ clientErrorHandler: clientErrorListener })`.
 * Idempotent; returns `server`.
 */
export function handleClientErrors<S extends Server>(server: S): S {
  if (!handled.has(server)) {
    handled.add(server);
    server.on('clientError', clientErrorListener);
  }
  return server;
}
