import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps } from './deps.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every change made through the API — any method but GET/HEAD/OPTIONS,
 * including refused ones — and every call of an admin route, with who, what,
 * the outcome and the client address; never request bodies (they may hold secrets).
 */
export function auditTrail(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    const audit = deps.security?.audit;
    if (!audit) return;
    const mutating = !READS.has(c.req.method);
    if (!mutating && c.get('access') !== 'admin') return;
    const identity = c.get('identity');
    const status = c.res.status;
    // Awaited: a change is answered only once its audit entry is on disk.
    await audit
      .append({
        actor: identity?.id ?? 'anonymous',
        action: `http.${c.req.method.toLowerCase()}`,
        target: c.req.path,
        outcome: status < 400 ? 'ok' : status === 401 || status === 403 || status === 429 ? 'denied' : 'failed',
        details: { status, ...(identity ? { name: identity.name, role: identity.role, kind: identity.kind ?? 'token' } : {}), ...(c.get('auditDetails') ?? {}) },
      })
      .catch((err: unknown) => deps.logger?.error({ err, path: c.req.path }, 'audit append failed'));
  };
}
