import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { publicRoute, requireRole } from './route-policy.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { limitBody, readJson } from './json-body.js';
import type { RouteDescription } from './route-policy.js';

const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * `POST /auth/login` (public, throttled): a user name and password for a
 * session token. Failures are counted per account and per client address;
 * a locked key answers 429 with Retry-After, before the password is even checked.
 */
export function loginRoute(deps: ApiDeps): Hono<ApiEnv> {
  const sec = deps.security;
  return new Hono<ApiEnv>().post('/auth/login', publicRoute(), limitBody(Math.min(deps.config.api.maxBodyBytes, 16 * 1024)), async (c) => {
    if (!sec?.users) throw new ApiError(404, 'LOGIN_DISABLED', 'this node has no local users; use an API token or the identity provider');
    const body = await readJson(c, loginBody);
    const username = body.username.toLowerCase();
    const address = clientAddress(c);
    const keys = [`user:${username}`, `ip:${address}`];
    const audit = (outcome: 'ok' | 'denied', details: Record<string, unknown>) =>
      sec.audit?.append({ actor: `user:${username}`, action: 'auth.login', target: username, outcome, details: { address, ...details } });
    const wait = sec.loginLimiter?.blockedFor(keys) ?? 0;
    if (wait > 0) {
      await audit('denied', { reason: 'throttled', retryAfterMs: wait });
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ApiError(429, 'LOGIN_THROTTLED', `too many failed logins for this account or address; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const user = await sec.users.verify(username, body.password);
    if (!user) {
      const locked = sec.loginLimiter?.fail(keys) ?? 0;
      await audit('denied', { reason: 'bad credentials', ...(locked ? { lockedForMs: locked } : {}) });
      throw new ApiError(401, 'LOGIN_FAILED', 'wrong user name or password (or the account is disabled)');
    }
    sec.loginLimiter?.succeed(`user:${username}`);
    const ttlMs = sec.sessionTtlMs ?? 12 * 3_600_000;
    await deps.tokens.pruneExpiredSessions();
    const { token, id, info } = await deps.tokens.create({ role: user.role, name: `user:${user.name}`, ttlMs, kind: 'session' });
    await audit('ok', { tokenId: id, role: user.role });
    return c.json({ token, role: user.role, expiresAt: Date.parse(info.expiresAt!), tokenId: id, name: user.name });
  });
}

/** `POST /auth/logout` ends the caller's own session; `GET /auth/routes` lists every route and the role it needs (admin). */
export function authRoutes(deps: ApiDeps, routes: () => RouteDescription[]): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .post('/auth/logout', requireRole('viewer'), async (c) => {
      const identity = c.get('identity');
      if (identity.kind !== 'session') throw new ApiError(400, 'NOT_A_SESSION', 'only login sessions can log out; revoke API tokens with DELETE /api/v1/tokens/:id');
      await deps.tokens.revoke(identity.id);
      return c.json({ loggedOut: true });
    })
    .get('/auth/routes', requireRole('admin'), (c) => c.json({ routes: routes() }));
}
