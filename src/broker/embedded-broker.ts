import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  /** `mqtt://` or `mqtts://` url that reaches the broker from this host. */
  url: string;
  host: string;
  port: number;
  tls: boolean;
  /** Clients connected now. */
  clients(): number;
  /** Connections refused for bad credentials since start. */
  refused(): number;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 picks a free port. Default 1883. */
  port?: number;
  /** Serve MQTT over TLS with these options. */
  tls?: TlsOptions | null;
  /** Checks a client's username and password; absent = every client may connect. */
  authenticate?: (username: string | undefined, password: string | undefined) => boolean;
}

/** Starts an aedes broker on a TCP (or TLS) port. Rejects with the listen error (e.g. EADDRINUSE). */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  let refused = 0;
  const check = opts.authenticate;
  const broker = await Aedes.createBroker(
    check
      ? {
          authenticate: (_client, username, password, done) => {
            if (check(username ?? undefined, password?.toString('utf8'))) return done(null, true);
            refused++;
            // Return code 4: bad user name or password.
            done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }), null);
          },
        }
      : {},
  );
  const server: Server = opts.tls ? createTlsServer(opts.tls, broker.handle) : createServer(broker.handle);
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
  const sockets = new Set<Socket>();
  server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  // A client that drops mid-handshake must not surface as an unhandled error.
  server.on('tlsClientError', () => {});
  let closing: Promise<void> | null = null;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`,
    host,
    port,
    tls: Boolean(opts.tls),
    clients: () => broker.connectedClients,
    refused: () => refused,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((r) => broker.close(() => r()));
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      })()),
  };
}
