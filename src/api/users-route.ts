import { Hono } from 'hono';
import { z } from 'zod';
import { createEvent, type FabrikEvent } from '../core/index.js';
import { ROLES, SecurityError, type UserStore } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps } from './deps.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { limitBody, readJson } from './json-body.js';
import { requireRole } from './route-policy.js';

const addBody = z.object({ name: z.string().min(1).max(64), role: z.enum(ROLES), password: z.string().min(1).max(1024) }).strict();
const changeBody = z.object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(1024).optional() }).strict();

/** Publishes an audited event through the node (stored + bus), or straight on the bus in a bare API. */
export function emit(deps: ApiDeps, e: Omit<FabrikEvent, 'id' | 'ts' | 'severity' | 'assetPath'> & { assetPath?: string }): void {
  const event = createEvent({ severity: 'info', assetPath: e.assetPath ?? deps.config.siteId, ...e });
  if (deps.security?.recordEvent) deps.security.recordEvent(event);
  else deps.bus.publish('events', event);
}

function userError(err: unknown): never {
  if (err instanceof SecurityError && err.code === 'USER_REQUEST_INVALID') throw badRequest(err.code, err.message);
  throw err;
}

/** `GET|POST /users`, `PATCH|DELETE /users/:name` (admin): the node's local accounts. */
export function usersRoute(deps: ApiDeps): Hono<ApiEnv> {
  const users = (): UserStore => {
    if (!deps.security?.users) throw new ApiError(404, 'USERS_DISABLED', 'this node keeps no local users');
    return deps.security.users;
  };
  const max = deps.config.api.maxBodyBytes;
  return new Hono<ApiEnv>()
    .get('/users', requireRole('admin'), (c) => c.json({ users: users().list() }))
    .post('/users', requireRole('admin'), limitBody(max), async (c) => {
      const body = await readJson(c, addBody);
      const info = await users().add(body).catch(userError);
      emit(deps, { kind: 'user.changed', message: `user ${info.name} added as ${info.role}`, payload: { actor: c.get('identity').id, target: info.name, change: 'added', role: info.role } });
      return c.json(info, 201);
    })
    .patch('/users/:name', requireRole('admin'), limitBody(max), async (c) => {
      const name = c.req.param('name');
      const body = await readJson(c, changeBody);
      const store = users();
      if (!store.list().some((u) => u.name === name.toLowerCase())) throw notFound('USER_NOT_FOUND', `no user "${name}"; list them with GET /api/v1/users`);
      if (body.password !== undefined) await store.setPassword(name, body.password).catch(userError);
      const info = await store.update(name, { ...(body.role ? { role: body.role } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}) }).catch(userError);
      const change = [body.role ? `role ${body.role}` : '', body.disabled !== undefined ? (body.disabled ? 'disabled' : 'enabled') : '', body.password ? 'password changed' : ''].filter(Boolean).join(', ');
      emit(deps, { kind: 'user.changed', message: `user ${info.name}: ${change || 'no change'}`, payload: { actor: c.get('identity').id, target: info.name, change } });
      return c.json(info);
    })
    .delete('/users/:name', requireRole('admin'), async (c) => {
      const name = c.req.param('name');
      if (!(await users().remove(name))) throw notFound('USER_NOT_FOUND', `no user "${name}"; list them with GET /api/v1/users`);
      emit(deps, { kind: 'user.changed', message: `user ${name} removed`, payload: { actor: c.get('identity').id, target: name, change: 'removed' } });
      return c.json({ name, removed: true });
    });
}
