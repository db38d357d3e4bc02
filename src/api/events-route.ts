import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps, EventFilter } from './deps.js';
import { badRequest } from './errors.js';
import { validate } from './json-body.js';
import { eventJson } from './sample-json.js';

/** An ISO time or epoch milliseconds. */
const time = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO time (2024-05-01T08:00:00Z) or epoch milliseconds, got "${s}"` });
    return z.NEVER;
  }
  return ms;
});

const eventsQuery = z.object({
  from: time.optional(),
  to: time.optional(),
  kind: z.string().regex(/^[a-z0-9_.-]{1,64}$/i, 'expected a dotted kind like "spc.violation"').optional(),
  asset: z.string().min(1).max(512).optional(),
  tag: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** `GET /events`: events filtered by time range, kind, asset and tag. */
export function eventsRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/events', requireRole('viewer'), async (c) => {
    const q = validate(eventsQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw badRequest('QUERY_PARAMS_INVALID', '"from" is after "to"');
    const filter: EventFilter = { limit: q.limit };
    if (q.from !== undefined) filter.from = q.from;
    if (q.to !== undefined) filter.to = q.to;
    if (q.kind !== undefined) filter.kind = q.kind;
    if (q.asset !== undefined) filter.assetPath = q.asset.replace(/\/+$/, '');
    if (q.tag !== undefined) filter.tag = q.tag;
    const events = await deps.events(filter);
    return c.json({ events: events.map(eventJson) });
  });
}
