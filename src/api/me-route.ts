import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';

/** `GET /auth/me`: who the presented token belongs to, so a client can show what the role allows. */
export function meRoute(): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/auth/me', requireRole('viewer'), (c) => {
    const { role, id, name } = c.get('identity');
    return c.json({ role, tokenId: id, name });
  });
}
