import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import { auditRoute } from './audit-route.js';
import { auditTrail } from './audit-trail.js';
import { authRoutes, loginRoute } from './auth-route.js';
import { bearerAuth } from './bearer-auth.js';
import { configRoute } from './config-route.js';
import type { ApiDeps } from './deps.js';
import { errorBody, errorResponse } from './error-response.js';
import { eventsRoute } from './events-route.js';
import { healthRoutes } from './health-routes.js';
import { homePage } from './home-page.js';
import { inspectionsRoute } from './inspections-route.js';
import { modelsRoute } from './models-route.js';
import { apiMetrics, measureRequests, type ApiMetrics } from './http-metrics.js';
import { queryRoute } from './query-route.js';
import { assertRolesDeclared, describeRoutes, publicRoute, requireRole, type RouteDescription } from './route-policy.js';
import { securityHeaders } from './security-headers.js';
import { simRoute } from './sim-route.js';
import { spcRoute } from './spc-route.js';
import { alarmsRoute } from './alarms-route.js';
import { opcuaRoute } from './opcua-route.js';
import { tagWriteRoute } from './tag-write-route.js';
import { tagsRoute } from './tags-route.js';
import { tokensRoute } from './tokens-route.js';
import { meRoute } from './me-route.js';
import { siteRoute } from './site-route.js';
import { kpiRoute } from './kpi-route.js';
import { latestRoute } from './latest-route.js';
import { systemRoute } from './system-route.js';
import { syncRoute } from './sync-route.js';
import { usersRoute } from './users-route.js';

/** Options of `createApiApp`. */
export interface ApiAppOptions {
  /** Folder of the dashboard's static files, served at `/`. */
  webRoot?: string;
  /** Series to record into; created in `deps.metrics` when absent. */
  metrics?: ApiMetrics;
  /** The app is served over TLS (adds HSTS). */
  tls?: boolean;
}

/** The HTTP API as a Hono app (no server): health, metrics, the authenticated /api/v1 routes and `/`. */
export function createApiApp(deps: ApiDeps, opts: ApiAppOptions = {}): Hono {
  const metrics = opts.metrics ?? apiMetrics(deps.metrics);
  let routes: RouteDescription[] = [];
  const v1 = new Hono<ApiEnv>()
    .use('*', bearerAuth(deps.tokens, deps.security?.oidc), auditTrail(deps))
    .route('/', authRoutes(deps, () => routes))
    .route('/', usersRoute(deps))
    .route('/', auditRoute(deps))
    .route('/', configRoute(deps))
    .route('/', queryRoute(deps))
    .route('/', tagsRoute(deps))
    .route('/', eventsRoute(deps))
    .route('/', simRoute(deps))
    .route('/', opcuaRoute(deps))
    .route('/', tagWriteRoute(deps))
    .route('/', tokensRoute(deps))
    .route('/', meRoute())
    .route('/', siteRoute(deps))
    .route('/', kpiRoute(deps))
    .route('/', latestRoute(deps))
    .route('/', systemRoute(deps))
    .route('/', modelsRoute(deps))
    .route('/', inspectionsRoute(deps))
    .route('/', spcRoute(deps))
    .route('/', alarmsRoute(deps))
    .route('/', syncRoute(deps));
  // The fabric cannot import the API (it sits left of it in the flow), so its read-only routes get their role here.
  if (deps.fabric) v1.use('/fabric/*', requireRole('viewer')).route('/', deps.fabric.api);

  const app = new Hono();
  app.use('*', measureRequests(metrics), securityHeaders({ hsts: opts.tls === true, connectSrc: deps.sync?.hubOrigin ? [deps.sync.hubOrigin] : [] }));
  app.route('/', healthRoutes(deps));
  if (deps.fabric) app.route('/fabric/v1', deps.fabric.peer);
  if (deps.fabric?.edgeLake) app.use('/', deps.fabric.edgeLake);
  // Login needs no token, so it is mounted ahead of the bearer-guarded /api/v1 routes.
  app.route('/api/v1', loginRoute(deps));
  app.route('/api/v1', v1);
  app.all('/api/*', publicRoute(), (c) => c.json(errorBody('NOT_FOUND', `no API route ${c.req.method} ${c.req.path}`), 404));
  app.route('/', homePage(deps, opts.webRoot));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `nothing at ${c.req.path}`), 404));
  app.onError((err, c) => errorResponse(err, c, deps.logger));
  // Every /api route must declare who may call it: a forgotten guard stops the node here, not in production.
  assertRolesDeclared(app);
  routes = describeRoutes(app);
  return app;
}
