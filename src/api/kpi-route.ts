import { Hono } from 'hono';
import { z } from 'zod';
import { currentShift, lineKpis, type KpiSite } from '../kpi/index.js';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { ApiError, badRequest } from './errors.js';
import { validate } from './json-body.js';
import { timeRange } from './time-range.js';

const periodQuery = z.object({ period: z.enum(['shift']).optional() });

/**
 * `GET /kpi/lines?from&to` (or `?period=shift` for the shift on now): throughput,
 * scrap and OEE per configured line, computed in the store.
 */
export function kpiRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/kpi/lines', requireRole('viewer'), async (c) => {
    const now = Date.now();
    const { period } = validate(periodQuery, { period: c.req.query('period') }, 'QUERY_PARAMS_INVALID', 'query string');
    const cfg = deps.config.site;
    let range = timeRange(c.req.query(), now);
    let shift: string | undefined;
    if (period === 'shift') {
      const on = cfg ? currentShift(cfg.site.timezone, cfg.shifts, now) : null;
      if (!on) throw badRequest('NO_SHIFT', 'no shift is on now (the site config has no shift covering this time); ask for from/to instead');
      range = { from: on.from, to: Math.min(on.to, now) };
      shift = on.name;
    }
    const site: KpiSite = { lines: cfg?.kpi.lines ?? [], assets: cfg?.assets ?? [] };
    const { queryTimeout, queryMaxRows } = deps.config.api;
    try {
      const lines = await lineKpis(site, (sql) => deps.query(sql, { maxRows: queryMaxRows, timeoutMs: queryTimeout }), { ...range, now });
      return c.json({ from: range.from, to: Math.min(range.to, now), ...(shift ? { shift } : {}), lines });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'KPI_QUERY_FAILED') throw new ApiError(503, code, (err as Error).message, { cause: err });
      throw err;
    }
  });
}
