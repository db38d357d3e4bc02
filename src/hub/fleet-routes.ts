import { Hono } from 'hono';
import { z } from 'zod';
import { parseSiteConfigText } from '../config/index.js';
import { isSignedConfigText, parseSignedConfig, signConfig } from '../security/index.js';
import { requireHubRole, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';
import { readBody } from './request-body.js';
import { sha256 } from './sync-routes.js';

const desiredConfig = z.object({ document: z.string().min(1).max(4_000_000) }).strict();

/**
 * Desired site config per site, versioned. The document is a site config YAML
 * or an envelope already signed with `fabrik config sign`; a hub with a
 * signing key signs plain documents itself. The site gets the newest version
 * on its next contact and reports what it applied.
 */
export function fleetRoutes(db: HubDatabase, opts: { signingKeyPem?: string }): Hono<HubEnv> {
  return new Hono<HubEnv>()
    .put('/sites/:id/config', requireHubRole('admin'), async (c) => {
      const siteId = c.req.param('id');
      const { data } = await readBody(c, desiredConfig, 4_200_000);
      const who = c.get('identity');
      const actor = who?.kind === 'user' ? who.name : 'unknown';
      const stored = await db.transaction(async (tx) => {
        const site = await tx.query('SELECT 1 FROM sites WHERE site_id = $1 FOR UPDATE', [siteId]);
        if (site.rows.length === 0) throw new HubError(HubErrorCode.NotFound, `no site "${siteId}" is enrolled`);
        const latest = Number((await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM site_configs WHERE site_id = $1', [siteId])).rows[0]?.v ?? 0);
        let text = data.document;
        let version: number;
        let hash: string;
        let signed = false;
        try {
          if (isSignedConfigText(text)) {
            const envelope = parseSignedConfig(text);
            parseSiteConfigText(envelope.document, `signed config v${envelope.version}`);
            if (envelope.version <= latest) throw new HubError(HubErrorCode.ConfigInvalid, `version ${envelope.version} is not newer than the site's desired version ${latest}`);
            ({ version, sha256: hash } = envelope);
            signed = true;
          } else {
            const config = parseSiteConfigText(text, 'desired config');
            if (config.site.id !== siteId) throw new HubError(HubErrorCode.ConfigInvalid, `the document is for site "${config.site.id}", not "${siteId}"`);
            version = latest + 1;
            if (opts.signingKeyPem) {
              hash = sha256(text);
              text = signConfig(text, { privateKeyPem: opts.signingKeyPem, version });
              signed = true;
            } else hash = sha256(text);
          }
        } catch (err) {
          if (err instanceof HubError) throw err;
          throw new HubError(HubErrorCode.ConfigInvalid, (err as Error).message, { cause: err });
        }
        await tx.query('INSERT INTO site_configs (site_id, version, text, signed, sha256, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [siteId, version, text, signed, hash, actor]);
        return { siteId, version, signed, sha256: hash };
      });
      return c.json(stored, 201);
    })
    .get('/sites/:id/config', requireHubRole('viewer'), async (c) => {
      const siteId = c.req.param('id');
      const rows = (await db.query('SELECT version, signed, sha256, created_by, created_at FROM site_configs WHERE site_id = $1 ORDER BY version DESC LIMIT 50', [siteId])).rows;
      const site = (await db.query<{ applied_config_version: number | null; applied_config_sha256: string | null; config_error: unknown }>('SELECT applied_config_version, applied_config_sha256, config_error FROM sites WHERE site_id = $1', [siteId])).rows[0];
      if (!site) throw new HubError(HubErrorCode.NotFound, `no site "${siteId}" is enrolled`);
      const desired = rows[0] as { version: number; sha256: string } | undefined;
      return c.json({
        desired: rows.map((r) => ({ ...r, version: Number(r['version']) })),
        applied: { version: site.applied_config_version, sha256: site.applied_config_sha256, error: site.config_error },
        inSync: desired ? desired.sha256 === site.applied_config_sha256 : true,
      });
    });
}
