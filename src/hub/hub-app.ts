import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { analyticsRoutes } from './analytics-routes.js';
import { enrolmentRoutes } from './enrolment-routes.js';
import { HubError } from './errors.js';
import { fleetRoutes } from './fleet-routes.js';
import { hubAuth, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { modelRoutes } from './models/model-routes.js';
import { sitesRoutes } from './sites-routes.js';
import { syncRoutes } from './sync-routes.js';
import { tokensRoutes } from './tokens-routes.js';

export interface HubAppOptions {
  db: HubDatabase;
  /** Ed25519 private key (PEM) the hub signs plain desired configs with. */
  signingKeyPem?: string;
  /** Largest batch accepted, unpacked. Default 32 MiB. */
  maxBatchBytes?: number;
  logger?: { error(obj: object, msg?: string): void };
}

/** The hub's HTTP API as a Hono app: enrolment, sync ingest and contact, registry, fleet config, analytics. */
export function createHubApp(opts: HubAppOptions): Hono {
  const { db } = opts;
  const v1 = new Hono<HubEnv>()
    .use('*', hubAuth(db))
    .route('/', enrolmentRoutes(db))
    .route('/', syncRoutes(db, { maxBatchBytes: opts.maxBatchBytes ?? 32 * 1024 * 1024, ...(opts.signingKeyPem ? { signingKeyPem: opts.signingKeyPem } : {}) }))
    .route('/', sitesRoutes(db))
    .route('/', fleetRoutes(db, opts.signingKeyPem ? { signingKeyPem: opts.signingKeyPem } : {}))
    .route('/', analyticsRoutes(db))
    .route('/', tokensRoutes(db))
    .route('/', modelRoutes(db));
  const app = new Hono();
  // Site dashboards read the hub from their own origin. Bearer tokens only, never cookies, so any origin may ask.
  app.use('/api/*', cors({ origin: '*', allowHeaders: ['authorization', 'content-type', 'content-encoding', 'idempotency-key'], allowMethods: ['GET', 'POST', 'PUT', 'DELETE'], maxAge: 600 }));
  app.get('/healthz', async (c) => {
    try {
      await db.query('SELECT 1');
      return c.json({ status: 'ok', database: db.description });
    } catch (err) {
      return c.json({ status: 'down', database: db.description, message: (err as Error).message }, 503);
    }
  });
  app.route('/api/v1', v1);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no hub route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof HubError) return c.json({ error: { code: err.code, message: err.message, ...err.details } }, err.status as ContentfulStatusCode);
    opts.logger?.error({ err, method: c.req.method, path: c.req.path }, 'hub request failed');
    // A database that is down is the hub's outage, not the site's mistake: the site retries.
    return c.json({ error: { code: 'INTERNAL', message: `the hub could not handle the request: ${(err as Error).message}` } }, 503);
  });
  return app;
}
