import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import { limitBody, readJson, validate } from './json-body.js';
import type { AlarmControl } from './quality-control.js';
import { actorOf, codedQuality } from './spc-route.js';
import { timeParam } from './time-range.js';

const listQuery = z.object({ state: z.enum(['active', 'unacked', 'shelved', 'suppressed', 'all', 'configured']).default('all') });
const journalQuery = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
  alarm: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
const ackBody = z.object({ comment: z.string().max(500).default('') }).strict();
const shelveBody = z
  .object({
    comment: z.string().trim().min(1, 'say why the alarm is shelved').max(500),
    minutes: z.number().positive().describe('How long; at most alarms.maxShelve.'),
  })
  .strict();

function alarmsOf(deps: ApiDeps): AlarmControl {
  if (!deps.alarms) throw notFound('ALARMS_NOT_RUNNING', 'this node runs no alarms; add them under "alarms:" in the site config');
  return deps.alarms;
}

/**
 * `GET /alarms?state=`, `GET /alarms/journal`, `GET /alarms/rates` (viewer);
 * `POST /alarms/:id/ack|shelve|unshelve` with a comment (operator), each an
 * audited journal event naming the operator.
 */
export function alarmsRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .get('/alarms', requireRole('viewer'), async (c) => {
      const q = validate(listQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      return c.json({ alarms: await codedQuality(() => alarmsOf(deps).list(q.state)) });
    })
    .get('/alarms/journal', requireRole('viewer'), async (c) => {
      const q = validate(journalQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      const filter = { limit: q.limit, ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), ...(q.alarm !== undefined ? { alarm: q.alarm } : {}) };
      return c.json({ entries: await codedQuality(() => alarmsOf(deps).journal(filter)) });
    })
    .get('/alarms/rates', requireRole('viewer'), async (c) => c.json({ windowMinutes: 10, areas: await codedQuality(() => alarmsOf(deps).rates()) }))
    .post('/alarms/:id/ack', requireRole('operator'), limitBody(4096), async (c) => {
      const { comment } = await readJson(c, ackBody);
      const id = c.req.param('id');
      c.set('auditDetails', { alarm: id });
      return c.json((await codedQuality(() => alarmsOf(deps).acknowledge(id, actorOf(c), comment))) as object);
    })
    .post('/alarms/:id/shelve', requireRole('operator'), limitBody(4096), async (c) => {
      const { comment, minutes } = await readJson(c, shelveBody);
      const id = c.req.param('id');
      c.set('auditDetails', { alarm: id, minutes });
      return c.json((await codedQuality(() => alarmsOf(deps).shelve(id, actorOf(c), comment, minutes))) as object);
    })
    .post('/alarms/:id/unshelve', requireRole('operator'), limitBody(4096), async (c) => {
      const { comment } = await readJson(c, ackBody);
      const id = c.req.param('id');
      c.set('auditDetails', { alarm: id });
      return c.json((await codedQuality(() => alarmsOf(deps).unshelve(id, actorOf(c), comment))) as object);
    });
}
