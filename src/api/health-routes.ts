import { Hono } from 'hono';
import type { ApiDeps } from './deps.js';

/** `GET /healthz`, `/readyz` and `/metrics`: unauthenticated, for probes and scrapers. */
export function healthRoutes(deps: ApiDeps): Hono {
  return (
    new Hono()
      // Liveness stays 200 while the process answers: a down PLC must not get the pod restarted.
      .get('/healthz', (c) => c.json({ ...deps.health(), version: deps.config.version, siteId: deps.config.siteId }))
      .get('/readyz', (c) => {
        const ready = deps.ready();
        return c.json({ ready }, ready ? 200 : 503);
      })
      // Unauthenticated because Prometheus scrapes it from the cluster network; it
      // carries counts, not plant data. TODO(config): make it optional or separately bound.
      .get('/metrics', async (c) => c.body(await deps.metrics.metrics(), 200, { 'Content-Type': deps.metrics.contentType }))
  );
}
