import net from 'node:net';
import type { Logger } from 'pino';
import { FabricError } from '../errors.js';
import type { Fabric } from '../fabric.js';
import { PgSession } from './pg-session.js';

export interface PgServer {
  port: number;
  close(): Promise<void>;
}

/** Listens for PostgreSQL clients (psql, Grafana, BI tools) and gives each a session. */
export async function startPgServer(opts: { fabric: Fabric; host: string; port: number; logger?: Logger }): Promise<PgServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new PgSession(socket, opts.fabric);
  });
  server.maxConnections = 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `PostgreSQL port ${opts.port} on ${opts.host} is already in use; pick another with --pg-port <port> or FABRIK_PG_PORT` : `cannot listen on ${opts.host}:${opts.port}: ${err.message}`;
      reject(new FabricError('FABRIC_PG_LISTEN_FAILED', why, { cause: err }));
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.on('error', (err) => opts.logger?.error({ err }, 'PostgreSQL endpoint error'));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
