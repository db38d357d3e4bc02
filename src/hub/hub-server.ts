import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { serverTlsOptions, type ClientAuth, type TlsMaterial } from '../security/index.js';
import { HubError, HubErrorCode } from './errors.js';
import { ensureHubAdminToken } from './hub-auth.js';
import { createHubApp } from './hub-app.js';
import type { HubDatabase } from './hub-database.js';
import { migrateHub } from './migrate.js';
import { pgliteDatabase } from './pglite-database.js';
import { postgresDatabase } from './postgres-database.js';

export interface HubOptions {
  /** PostgreSQL URL; without it the hub keeps its data in an embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  host?: string;
  port?: number;
  /** An admin token to accept (e.g. from FABRIK_HUB_ADMIN_TOKEN); else one is created on first start. */
  adminToken?: string;
  /** Ed25519 private key file to sign plain desired configs with. */
  signingKeyFile?: string;
  /** Certificate and key to serve HTTPS with; with `ca` and `clientAuth: require`, only sites showing a certificate from that CA get in (mutual TLS). */
  tls?: { cert: string; key: string; ca?: string; clientAuth?: ClientAuth };
  logger: Logger;
}

export interface Hub {
  url: string;
  port: number;
  db: HubDatabase;
  /** Where the first admin token was written, when this start created it. */
  adminTokenFile: string | null;
  close(): Promise<void>;
}

/** Opens the hub database (migrating it), then serves the hub API. The process holds no state that matters: run several against one PostgreSQL. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  let db: HubDatabase;
  try {
    db = opts.databaseUrl ? postgresDatabase(opts.databaseUrl) : await pgliteDatabase(join(opts.dataDir, 'hub-db'));
    await migrateHub(db);
  } catch (cause) {
    throw new HubError(HubErrorCode.DatabaseFailed, `cannot open the hub database (${opts.databaseUrl ? 'PostgreSQL' : 'PGlite'}): ${(cause as Error).message}`, { cause });
  }
  const admin = await ensureHubAdminToken(db, { dataDir: opts.dataDir, ...(opts.adminToken ? { token: opts.adminToken } : {}) });
  const signingKeyPem = opts.signingKeyFile ? await readFile(opts.signingKeyFile, 'utf8') : undefined;
  const app = createHubApp({ db, ...(signingKeyPem ? { signingKeyPem } : {}), logger: opts.logger });
  const host = opts.host ?? '127.0.0.1';
  const material: TlsMaterial | null = opts.tls ? { cert: opts.tls.cert, key: opts.tls.key, ...(opts.tls.ca ? { ca: opts.tls.ca } : {}), source: 'flags' } : null;
  const server = (
    material
      ? createAdaptorServer({ fetch: app.fetch, hostname: host, createServer: createHttpsServer, serverOptions: serverTlsOptions(material, { clientAuth: opts.tls?.clientAuth ?? 'none' }) })
      : createAdaptorServer({ fetch: app.fetch, hostname: host })
  ) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8090, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await db.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${opts.port} is in use; pick another with --http-port (FABRIK_HUB_HTTP_PORT)` : `the hub cannot listen on ${host}:${opts.port}: ${(err as Error).message}`, { cause: err });
  }
  server.on('error', (err) => opts.logger.error({ err }, 'hub server error'));
  const port = (server.address() as AddressInfo).port;
  const url = `${material ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  opts.logger.info({ url, database: db.description }, 'hub listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    db,
    adminTokenFile: admin.created ? admin.path : null,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        });
        await db.close();
      })()),
  };
}

