import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The API's Prometheus series, registered once per registry. */
export interface ApiMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  wsClients: Gauge;
  wsDropped: Counter;
}

/** Creates the API series in `registry`, or returns the ones already there (a restarted server reuses them). */
export function apiMetrics(registry: Registry): ApiMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const registers = [registry];
  return {
    requests: get('fabrik_http_requests_total', () => new Counter({ name: 'fabrik_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers })),
    duration: get('fabrik_http_request_duration_seconds', () => new Histogram({ name: 'fabrik_http_request_duration_seconds', help: 'HTTP request duration by route and status', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers })),
    wsClients: get('fabrik_ws_clients', () => new Gauge({ name: 'fabrik_ws_clients', help: 'Connected WebSocket stream clients', registers })),
    wsDropped: get('fabrik_ws_dropped_messages_total', () => new Counter({ name: 'fabrik_ws_dropped_messages_total', help: 'Stream messages dropped because a client was too slow', registers })),
  };
}

/** Counts and times every request by its route pattern (never the raw path, which would explode the label set). */
export function measureRequests(metrics: ApiMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // Middleware is registered for ALL methods; the first method-specific match is the endpoint, even when auth stopped the request.
      const route = matchedRoutes(c).find((r) => r.method !== 'ALL')?.path ?? 'unmatched';
      const labels = { method: c.req.method, route, status: String(c.res.status) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}
