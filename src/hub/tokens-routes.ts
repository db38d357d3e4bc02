import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { hashSecret, newSecret, requireHubRole, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';
import { readBody } from './request-body.js';

const newToken = z.object({ role: z.enum(['viewer', 'admin']), name: z.string().min(1).max(100) }).strict();

/** Hub tokens for people and tools: a viewer token for a site's Hub page, admin tokens for automation. Shown once, stored hashed. */
export function tokensRoutes(db: HubDatabase): Hono<HubEnv> {
  return new Hono<HubEnv>()
    .post('/tokens', requireHubRole('admin'), async (c) => {
      const { data } = await readBody(c, newToken, 4096);
      const token = newSecret('fhub');
      const id = `${data.role}-${randomBytes(4).toString('hex')}`;
      await db.query('INSERT INTO hub_tokens (id, hash, role, name) VALUES ($1, $2, $3, $4)', [id, hashSecret(token), data.role, data.name]);
      return c.json({ id, token, role: data.role, name: data.name }, 201);
    })
    .get('/tokens', requireHubRole('admin'), async (c) => {
      const rows = (await db.query('SELECT id, role, name, created_at, revoked_at FROM hub_tokens ORDER BY created_at')).rows;
      return c.json({ tokens: rows.map((r) => ({ id: r['id'], role: r['role'], name: r['name'], createdAt: new Date(r['created_at'] as string).getTime(), revoked: r['revoked_at'] != null })) });
    })
    .delete('/tokens/:id', requireHubRole('admin'), async (c) => {
      const res = await db.query('UPDATE hub_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [c.req.param('id')]);
      if (res.rows.length === 0) throw new HubError(HubErrorCode.NotFound, `no live hub token "${c.req.param('id')}"`);
      return c.json({ id: c.req.param('id'), revoked: true });
    });
}
