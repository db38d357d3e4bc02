import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps } from './deps.js';
import { requireRole } from './route-policy.js';

/** `GET /sync/status`: the hub uplink's backlog, last success, drops, rate and outage cover; `state: disabled` without a hub. */
export function syncRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/sync/status', requireRole('viewer'), (c) =>
    c.json(deps.sync?.status() ?? { enabled: false, backlog: { items: 0, bytes: 0 }, drops: {}, bytesPerSecond: 0, state: 'disabled' }),
  );
}
