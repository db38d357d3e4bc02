import net from 'node:net';
import { TLSSocket, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import { FabricError } from '../errors.js';
import type { Fabric } from '../fabric.js';
import { SSL_REQUEST, errorResponse } from './pg-protocol.js';
import { PgSession } from './pg-session.js';

export interface PgServer {
  port: number;
  /** Whether clients are served over TLS (sslmode=require and up). */
  tls: boolean;
  close(): Promise<void>;
}

export interface PgServerOptions {
  fabric: Fabric;
  host: string;
  port: number;
  logger?: Logger;
  /** Server TLS options: clients must ask for SSL (sslmode=require) and plain-text startups are refused. Null/undefined: plain text. */
  tls?: TlsOptions | null;
}

/** Waits for the first `n` bytes of a connection, then puts them back for whoever reads next. */
function peek(socket: net.Socket, n: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < n) return;
      done(buf);
    };
    const done = (value: Buffer | null): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (value) socket.unshift(value);
      resolve(value);
    };
    const onClose = (): void => done(null);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/**
 * Listens for PostgreSQL clients (psql, Grafana, BI tools) and gives each a
 * session. With TLS, the connection starts with the client's SSLRequest, is
 * answered 'S' and continues inside the TLS tunnel; a client that starts in
 * plain text gets PostgreSQL's own "SSL required" error.
 */
export async function startPgServer(opts: PgServerOptions): Promise<PgServer> {
  const sockets = new Set<net.Socket>();
  const tls = opts.tls ?? null;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!tls) {
      new PgSession(socket, opts.fabric);
      return;
    }
    void peek(socket, 8).then((head) => {
      if (!head) return;
      if (head.readInt32BE(0) !== 8 || head.readInt32BE(4) !== SSL_REQUEST) {
        socket.end(errorResponse('28000', 'this PostgreSQL endpoint needs TLS', 'connect with sslmode=require (psql "sslmode=require ...", node-postgres ssl: { ca })', 'E', 'FATAL'));
        return;
      }
      socket.read(8);
      socket.write('S');
      const secure = new TLSSocket(socket, { ...tls, isServer: true });
      secure.on('error', (err) => {
        opts.logger?.debug({ err: err.message }, 'PostgreSQL TLS handshake failed');
        socket.destroy();
      });
      secure.once('secure', () => new PgSession(secure as unknown as net.Socket, opts.fabric));
    });
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
    tls: tls !== null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
