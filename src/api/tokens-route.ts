import { Hono } from 'hono';
import { z } from 'zod';
import { parseDuration } from '../core/index.js';
import { isScope, ROLES, SecurityError } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { badRequest, notFound } from './errors.js';
import { limitBody, readJson } from './json-body.js';
import { emit } from './users-route.js';

const tokenBody = z
  .object({
    role: z.enum(ROLES),
    name: z.string().min(1).max(64),
    ttl: z
      .union([z.string(), z.number()])
      .transform((v, ctx) => {
        const ms = parseDuration(v);
        if (ms === null || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: 'expected a positive duration like "30d", "12h" or milliseconds' });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
    scopes: z.array(z.string().refine(isScope, 'expected an API area like "query" or "alarms:read"')).min(1).max(64).optional(),
  })
  .strict();

/** `GET|POST /tokens`, `DELETE /tokens/:id` (admin only). */
export function tokensRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .use('/tokens', requireRole('admin'))
    .use('/tokens/*', requireRole('admin'))
    .get('/tokens', (c) => c.json({ tokens: deps.tokens.list() }))
    .post('/tokens', limitBody(deps.config.api.maxBodyBytes), async (c) => {
      const body = await readJson(c, tokenBody);
      try {
        const { token, id, info } = await deps.tokens.create({
          role: body.role,
          name: body.name,
          ...(body.ttl !== undefined ? { ttlMs: body.ttl } : {}),
          ...(body.scopes ? { scopes: body.scopes } : {}),
        });
        emit(deps, { kind: 'token.created', message: `${info.role} token "${info.name}" created`, payload: { actor: c.get('identity').id, target: id, role: info.role, ...(info.scopes ? { scopes: info.scopes } : {}), ...(info.expiresAt ? { expiresAt: info.expiresAt } : {}) } });
        return c.json({ ...info, id, token }, 201);
      } catch (err) {
        if (err instanceof SecurityError && err.code === 'TOKEN_REQUEST_INVALID') throw badRequest(err.code, err.message);
        throw err;
      }
    })
    .delete('/tokens/:id', async (c) => {
      const id = c.req.param('id');
      if (!(await deps.tokens.revoke(id))) throw notFound('TOKEN_NOT_FOUND', `no token with id "${id}"; list them with GET /api/v1/tokens`);
      emit(deps, { kind: 'token.revoked', message: `token ${id} revoked`, payload: { actor: c.get('identity').id, target: id } });
      return c.json({ id, revoked: true });
    });
}
