import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { ApiError, notFound } from './errors.js';
import { limitBody, readJson } from './json-body.js';
import { qualityStatus, type SpcControl } from './quality-control.js';
import { timeRange } from './time-range.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const comment = z.string().max(500).optional();
const baselineBody = z.union([
  z.object({ from: finite, to: finite, comment }).strict(),
  z
    .object({
      limits: z.object({ chart: z.string().optional(), center: finite, ucl: finite, lcl: finite, sigma: z.number().min(0).optional() }).strict(),
      comment,
    })
    .strict(),
]);

/** The node's SPC, or a 404 saying how to get one. */
function spcOf(deps: ApiDeps): SpcControl {
  if (!deps.spc) throw notFound('SPC_NOT_RUNNING', 'this node runs no SPC; add characteristics under "spc:" in the site config');
  return deps.spc;
}

/** Runs an SPC call, turning its coded errors into API errors. */
export async function codedQuality<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && !(err instanceof ApiError)) throw new ApiError(qualityStatus(code), code, (err as Error).message, { cause: err });
    throw err;
  }
}

/** Who did it, as audit entries and events name people. */
export function actorOf(c: Context<ApiEnv>): string {
  const id = c.get('identity');
  return `${id.name} (${id.id})`;
}

/**
 * `GET /spc/characteristics`, `GET /spc/:id/chart?from&to`, `GET /spc/:id/capability?from&to`
 * (viewer) and `POST|PUT /spc/:id/baseline` (engineer): new limits from a stored
 * period's phase I study or typed in, recorded as an audited `spc.limits.changed` event.
 */
export function spcRoute(deps: ApiDeps): Hono<ApiEnv> {
  const baseline = async (c: Context<ApiEnv>) => {
    const body = await readJson(c, baselineBody);
    const id = c.req.param('id')!;
    const result = await codedQuality(() => spcOf(deps).setBaseline(id, body, actorOf(c)));
    c.set('auditDetails', { characteristic: id });
    return c.json(result as object);
  };
  return new Hono<ApiEnv>()
    .get('/spc/characteristics', requireRole('viewer'), async (c) => c.json({ characteristics: await codedQuality(() => spcOf(deps).characteristics()) }))
    .get('/spc/:id/chart', requireRole('viewer'), async (c) => c.json((await codedQuality(() => spcOf(deps).chart(c.req.param('id'), timeRange(c.req.query())))) as object))
    .get('/spc/:id/capability', requireRole('viewer'), async (c) => c.json((await codedQuality(() => spcOf(deps).capability(c.req.param('id'), timeRange(c.req.query())))) as object))
    .post('/spc/:id/baseline', requireRole('engineer'), limitBody(4096), baseline)
    .put('/spc/:id/baseline', requireRole('engineer'), limitBody(4096), baseline);
}
