import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  /** Clients connected now. */
  clients(): number;
  close(): Promise<void>;
}

/** Starts an aedes broker on a TCP port (0 picks a free one). Rejects with the listen error (e.g. EADDRINUSE). */
export async function startEmbeddedBroker(opts: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 1883, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((r) => broker.close(() => r()));
    throw err;
  }
  const port = (server.address() as { port: number }).port;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    host,
    port,
    clients: () => broker.connectedClients,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((r) => broker.close(() => r()));
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      })()),
  };
}
