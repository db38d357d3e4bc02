import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditLog } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { validate } from './json-body.js';
import { requireRole } from './route-policy.js';

const time = z.union([z.string().regex(/^\d+$/).transform(Number), z.string().datetime({ offset: true }).transform((s) => Date.parse(s))]);
const auditQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    actor: z.string().max(128).optional(),
    action: z.string().max(64).optional(),
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(10_000)).optional(),
  })
  .strict();

/** `GET /audit` (entries newest first, filters) and `GET /audit/verify` (chain + head check), admin only. */
export function auditRoute(deps: ApiDeps): Hono<ApiEnv> {
  const log = (): AuditLog => {
    if (!deps.security?.audit) throw new ApiError(404, 'AUDIT_DISABLED', 'this node keeps no audit log');
    return deps.security.audit;
  };
  return new Hono<ApiEnv>()
    .get('/audit', requireRole('admin'), async (c) => {
      const q = validate(auditQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      const entries = await log().list({ ...q, limit: q.limit ?? 500 });
      return c.json({ entries, lastSeq: log().lastSeq });
    })
    .get('/audit/verify', requireRole('admin'), async (c) => c.json(await log().verify()));
}
