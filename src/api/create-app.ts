import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import { bearerAuth } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { errorBody, errorResponse } from './error-response.js';
import { eventsRoute } from './events-route.js';
import { healthRoutes } from './health-routes.js';
import { homePage } from './home-page.js';
import { inspectionsRoute } from './inspections-route.js';
import { modelsRoute } from './models-route.js';
import { apiMetrics, measureRequests, type ApiMetrics } from './http-metrics.js';
import { queryRoute } from './query-route.js';
import { securityHeaders } from './security-headers.js';
import { simRoute } from './sim-route.js';
import { tagsRoute } from './tags-route.js';
import { tokensRoute } from './tokens-route.js';
import { meRoute } from './me-route.js';
import { siteRoute } from './site-route.js';
import { kpiRoute } from './kpi-route.js';
import { latestRoute } from './latest-route.js';
import { systemRoute } from './system-route.js';

/** Options of `createApiApp`. */
export interface ApiAppOptions {
  /** Folder of the dashboard's static files, served at `/`. */
  webRoot?: string;
  /** Series to record into; created in `deps.metrics` when absent. */
  metrics?: ApiMetrics;
}

/** The HTTP API as a Hono app (no server): health, metrics, the authenticated /api/v1 routes and `/`. */
export function createApiApp(deps: ApiDeps, opts: ApiAppOptions = {}): Hono {
  const metrics = opts.metrics ?? apiMetrics(deps.metrics);
  const v1 = new Hono<ApiEnv>()
    .use('*', bearerAuth(deps.tokens))
    .route('/', queryRoute(deps))
    .route('/', tagsRoute(deps))
    .route('/', eventsRoute(deps))
    .route('/', simRoute(deps))
    .route('/', tokensRoute(deps))
    .route('/', meRoute())
    .route('/', siteRoute(deps))
    .route('/', kpiRoute(deps))
    .route('/', latestRoute(deps))
    .route('/', systemRoute(deps))
    .route('/', modelsRoute(deps))
    .route('/', inspectionsRoute(deps));
  if (deps.fabric) v1.route('/', deps.fabric.api);

  const app = new Hono();
  app.use('*', measureRequests(metrics), securityHeaders());
  app.route('/', healthRoutes(deps));
  if (deps.fabric) app.route('/fabric/v1', deps.fabric.peer);
  if (deps.fabric?.edgeLake) app.use('/', deps.fabric.edgeLake);
  app.route('/api/v1', v1);
  app.all('/api/*', (c) => c.json(errorBody('NOT_FOUND', `no API route ${c.req.method} ${c.req.path}`), 404));
  app.route('/', homePage(deps, opts.webRoot));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `nothing at ${c.req.path}`), 404));
  app.onError((err, c) => errorResponse(err, c, deps.logger));
  return app;
}
