import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';

/** `GET /auth/me`: who the presented token belongs to, so a client can show what the role allows. */
export function meRoute(): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/auth/me', (c) => {
    const { role, id, name } = c.get('identity');
    return c.json({ role, tokenId: id, name });
  });
}
