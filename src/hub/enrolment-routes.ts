import { Hono } from 'hono';
import { z } from 'zod';
import { enrolRequest, type EnrolReply } from '../sync/index.js';
import { hashSecret, newSecret, requireHubRole, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';
import { readBody } from './request-body.js';

const newEnrolment = z
  .object({ siteId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).optional(), ttlHours: z.number().positive().max(24 * 30).default(24) })
  .strict();

/**
 * Enrolment: an admin creates a one-time token (optionally bound to a site
 * id); the site trades it once for its own credential. Both are stored hashed.
 */
export function enrolmentRoutes(db: HubDatabase): Hono<HubEnv> {
  return new Hono<HubEnv>()
    .post('/enrolments', requireHubRole('admin'), async (c) => {
      const { data } = await readBody(c, newEnrolment, 4096);
      const token = newSecret('fenrol');
      const id = hashSecret(token).slice(0, 12);
      const expiresAt = new Date(Date.now() + data.ttlHours * 3_600_000);
      const who = c.get('identity');
      await db.query('INSERT INTO enrolment_tokens (id, hash, site_id, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)', [id, hashSecret(token), data.siteId ?? null, who?.kind === 'user' ? who.name : 'unknown', expiresAt]);
      return c.json({ id, token, siteId: data.siteId ?? null, expiresAt: expiresAt.getTime() }, 201);
    })
    .post('/enrol', async (c) => {
      const { data } = await readBody(c, enrolRequest, 4096);
      const credential = newSecret('fsite');
      await db.transaction(async (tx) => {
        const used = await tx.query<{ site_id: string | null }>(
          `UPDATE enrolment_tokens SET used_at = now(), used_by = $2
           WHERE hash = $1 AND used_at IS NULL AND expires_at > now() AND (site_id IS NULL OR site_id = $2) RETURNING site_id`,
          [hashSecret(data.token), data.siteId],
        );
        if (used.rows.length === 0) throw new HubError(HubErrorCode.EnrolmentInvalid, 'the enrolment token is unknown, used, expired or meant for another site; ask the hub admin for a new one');
        await tx.query('INSERT INTO sites (site_id, name) VALUES ($1, $2) ON CONFLICT (site_id) DO UPDATE SET name = EXCLUDED.name', [data.siteId, data.name ?? data.siteId]);
        // A re-enrolment replaces the site's credential: the old one stops working.
        await tx.query('UPDATE site_credentials SET revoked_at = now() WHERE site_id = $1 AND revoked_at IS NULL', [data.siteId]);
        await tx.query('INSERT INTO site_credentials (hash, site_id) VALUES ($1, $2)', [hashSecret(credential), data.siteId]);
      });
      const reply: EnrolReply = { siteId: data.siteId, credential };
      return c.json(reply, 201);
    });
}
