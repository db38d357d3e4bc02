import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps, ConfigControl } from './deps.js';
import { ApiError } from './errors.js';
import { limitBody } from './json-body.js';
import { requireRole } from './route-policy.js';

const STATUS: Record<string, number> = {
  SIGNED_CONFIG_MALFORMED: 400,
  CONFIG_INVALID: 422,
  SIGNATURE_UNTRUSTED: 403,
  CONFIG_VERSION_STALE: 409,
  CONFIG_APPLY_BUSY: 409,
  CONFIG_ROLLED_BACK: 422,
  CONFIG_UNSIGNED: 403,
};

/**
 * `GET /config/version` (viewer; what the hub reads) and `POST /config/apply`
 * (admin; body: the signed document as YAML or JSON text).
 */
export function configRoute(deps: ApiDeps): Hono<ApiEnv> {
  const control = (): ConfigControl => {
    if (!deps.security?.configControl) throw new ApiError(404, 'CONFIG_CONTROL_DISABLED', 'this node does not take configs over the API');
    return deps.security.configControl;
  };
  return new Hono<ApiEnv>()
    .get('/config/version', requireRole('viewer'), async (c) => c.json(await control().status()))
    .post('/config/apply', requireRole('admin'), limitBody(deps.config.api.maxBodyBytes), async (c) => {
      const text = await c.req.text();
      try {
        const outcome = await control().apply(text, c.get('identity').id);
        c.set('auditDetails', { version: outcome['version'] });
        return c.json(outcome);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code in STATUS) throw new ApiError(STATUS[code]!, code, (err as Error).message, { cause: err });
        throw err;
      }
    });
}
