import net from 'node:net';

/**
 * A TCP proxy the test controls, in front of a real server: `cut()` drops every connection and
 * refuses new ones (the database "goes away"); `restore()` accepts again on the same port.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    /** Refuses new connections and resets the open ones. */
    async cut(): Promise<void> {
      const s = server;
      server = null;
      const closed = s ? new Promise((r) => s.close(r)) : Promise.resolve();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    /** Accepts connections again, on the same port. */
    restore: listen,
    close(): Promise<void> {
      return this.cut();
    },
  };
}
