import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApiApp } from './create-app.js';
import type { ApiDeps } from './deps.js';
import { ApiServerError, ApiServerErrorCode } from './errors.js';
import { apiMetrics } from './http-metrics.js';
import { describeRoutes, type RouteDescription } from './route-policy.js';
import { StreamSocket, type StreamOptions } from './stream-socket.js';

/** Options of `startApiServer`. */
export interface ApiServerOptions {
  deps: ApiDeps;
  host: string;
  /** 0 picks a free port. */
  port: number;
  webRoot?: string;
  stream?: StreamOptions;
  /** Serve HTTPS/WSS with these options (from the security capability's `listenerTls`); plain HTTP when absent. */
  tls?: TlsOptions | null;
}

/** A listening API server. */
export interface ApiServer {
  /** e.g. "http://127.0.0.1:8080" or "https://127.0.0.1:8443". */
  url: string;
  port: number;
  /** Every route of the app and the role it needs. */
  routes: RouteDescription[];
  /** Closes stream sockets and the HTTP server; idempotent. */
  close(): Promise<void>;
}

/**
 * Serves the API over HTTP with the WebSocket stream on the same port.
 * Rejects with an `ApiServerError` (API_PORT_IN_USE, API_LISTEN_FAILED) when it cannot listen.
 */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { deps, host, port } = opts;
  const metrics = apiMetrics(deps.metrics);
  const app = createApiApp(deps, { metrics, tls: Boolean(opts.tls), ...(opts.webRoot ? { webRoot: opts.webRoot } : {}) });
  const server = (
    opts.tls
      ? createAdaptorServer({ fetch: app.fetch, hostname: host, createServer: createHttpsServer, serverOptions: opts.tls })
      : createAdaptorServer({ fetch: app.fetch, hostname: host })
  ) as Server;
  const stream = new StreamSocket(deps, metrics, opts.stream);
  server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await stream.close();
    throw listenError(err, host, port);
  }
  server.on('error', (err) => deps.logger?.error({ err }, 'API server error'));

  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${bound}`,
    port: bound,
    routes: describeRoutes(app),
    close() {
      closing ??= (async () => {
        await stream.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // A client that keeps a request open must not hold up the node's shutdown.
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        });
      })();
      return closing;
    },
  };
}

function listenError(err: unknown, host: string, port: number): ApiServerError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new ApiServerError(
      ApiServerErrorCode.PortInUse,
      port,
      `HTTP port ${port} on ${host} is already in use (another Fabrik node?); pick another with --http-port <port> or FABRIK_HTTP_PORT`,
      { cause: err },
    );
  }
  return new ApiServerError(ApiServerErrorCode.ListenFailed, port, `cannot listen on ${host}:${port}: ${(err as Error).message}; pick another with --http-port <port> or FABRIK_HTTP_PORT`, { cause: err });
}
