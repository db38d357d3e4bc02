import { Hono } from 'hono';
import { currentShift } from '../kpi/index.js';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { describeSite } from './site-description.js';

/** `GET /site`: the plant as the dashboard needs it: assets with their state maps, shifts, the shift on now, line KPI configuration. */
export function siteRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/site', requireRole('viewer'), (c) => {
    const site = describeSite(deps);
    return c.json({ ...site, currentShift: currentShift(site.site.timezone, site.shifts, Date.now()) });
  });
}
