import { Hono } from 'hono';
import { z } from 'zod';
import { requireHubRole, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';

const range = z.object({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  tag: z.string().max(128).optional(),
  limit: z.coerce.number().int().positive().max(100_000).default(10_000),
});

function timeWindow(query: Record<string, string>): z.output<typeof range> & { from: number; to: number } {
  const parsed = range.safeParse(query);
  if (!parsed.success) throw new HubError(HubErrorCode.BadRequest, `bad query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const to = parsed.data.to ?? Date.now();
  const from = parsed.data.from ?? to - 24 * 3_600_000;
  if (from >= to) throw new HubError(HubErrorCode.BadRequest, '"from" must be before "to" (epoch ms)');
  return { ...parsed.data, from, to };
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));

/**
 * Cross-site analytics from what the sites sent: side by side per site OEE and
 * scrap (from the line KPIs in health snapshots), SPC violations and their
 * rate, anomalies, alarms; and a site's rollups to drill into.
 */
export function analyticsRoutes(db: HubDatabase): Hono<HubEnv> {
  return new Hono<HubEnv>()
    .get('/analytics/sites', requireHubRole('viewer'), async (c) => {
      const w = timeWindow(c.req.query());
      const from = new Date(w.from);
      const to = new Date(w.to);
      const counts = await db.query(
        `SELECT s.site_id, s.name, s.last_contact,
           (SELECT count(*) FROM site_rollups r WHERE r.site_id = s.site_id AND r.bucket >= $1 AND r.bucket < $2) AS rollups,
           (SELECT count(*) FROM site_events e WHERE e.site_id = s.site_id AND e.ts >= $1 AND e.ts < $2 AND e.kind = 'spc.violation') AS spc,
           (SELECT count(*) FROM site_events e WHERE e.site_id = s.site_id AND e.ts >= $1 AND e.ts < $2 AND e.kind LIKE 'anomaly%' AND e.kind <> 'anomaly.cleared') AS anomalies,
           (SELECT count(*) FROM site_events e WHERE e.site_id = s.site_id AND e.ts >= $1 AND e.ts < $2 AND e.kind = 'alarm.active') AS alarms,
           (SELECT count(*) FROM site_events e WHERE e.site_id = s.site_id AND e.ts >= $1 AND e.ts < $2) AS events
         FROM sites s ORDER BY s.site_id`,
        [from, to],
      );
      const kpis = await db.query(
        `SELECT h.site_id, sum((l->>'total')::float8) AS total, sum((l->>'scrap')::float8) AS scrap,
           sum((l->>'oee')::float8 * ((l->>'to')::float8 - (l->>'from')::float8))
             / nullif(sum(CASE WHEN l->>'oee' IS NOT NULL THEN (l->>'to')::float8 - (l->>'from')::float8 END), 0) AS oee
         FROM site_health h, jsonb_array_elements(h.lines) AS l
         WHERE h.ts >= $1 AND h.ts < $2 GROUP BY h.site_id`,
        [from, to],
      );
      const bySite = new Map(kpis.rows.map((r) => [r['site_id'], r]));
      const hours = (w.to - w.from) / 3_600_000;
      return c.json({
        from: w.from,
        to: w.to,
        sites: counts.rows.map((r) => {
          const k = bySite.get(r['site_id']);
          const total = num(k?.['total']);
          const scrap = num(k?.['scrap']);
          const spc = Number(r['spc']);
          return {
            siteId: r['site_id'],
            name: r['name'],
            lastContact: r['last_contact'] ? new Date(r['last_contact'] as string).getTime() : null,
            oee: num(k?.['oee']),
            units: total,
            scrap,
            scrapRate: total && scrap !== null ? scrap / total : null,
            spcViolations: spc,
            spcViolationsPerHour: spc / hours,
            anomalies: Number(r['anomalies']),
            alarms: Number(r['alarms']),
            events: Number(r['events']),
            rollups: Number(r['rollups']),
          };
        }),
      });
    })
    .get('/analytics/sites/:id/tags', requireHubRole('viewer'), async (c) => {
      const rows = (await db.query('SELECT tag, min(asset_path) AS asset_path, min(unit) AS unit, count(*) AS minutes, max(bucket) AS newest FROM site_rollups WHERE site_id = $1 GROUP BY tag ORDER BY tag', [c.req.param('id')])).rows;
      return c.json({ tags: rows.map((r) => ({ tag: r['tag'], assetPath: r['asset_path'], unit: r['unit'], minutes: Number(r['minutes']), newest: new Date(r['newest'] as string).getTime() })) });
    })
    .get('/analytics/sites/:id/rollups', requireHubRole('viewer'), async (c) => {
      const w = timeWindow(c.req.query());
      const params: unknown[] = [c.req.param('id'), new Date(w.from), new Date(w.to), w.limit];
      if (w.tag) params.push(w.tag);
      const rows = (await db.query(
        `SELECT tag, bucket, count, min, max, avg, first, last, good, backfill FROM site_rollups
         WHERE site_id = $1 AND bucket >= $2 AND bucket < $3 ${w.tag ? 'AND tag = $5' : ''} ORDER BY bucket, tag LIMIT $4`,
        params,
      )).rows;
      return c.json({
        rows: rows.map((r) => ({ tag: r['tag'], bucket: new Date(r['bucket'] as string).getTime(), count: Number(r['count']), min: num(r['min']), max: num(r['max']), avg: num(r['avg']), first: num(r['first']), last: num(r['last']), good: Number(r['good']), backfill: r['backfill'] })),
      });
    });
}
