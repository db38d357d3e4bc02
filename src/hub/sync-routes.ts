import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { siteContact, syncBatch, type ContactReply } from '../sync/index.js';
import { batchKey, ingestBatch } from './batch-ingest.js';
import { requireSite, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';
import { settleModelDeployments } from './models/model-distribution.js';
import { readBody } from './request-body.js';

/** What sites call: batches in, contact (status out, desired config back). */
export function syncRoutes(db: HubDatabase, opts: { maxBatchBytes: number; signingKeyPem?: string }): Hono<HubEnv> {
  const siteOf = (c: { get(k: 'identity'): unknown }): string => (c.get('identity') as { siteId: string }).siteId;
  return new Hono<HubEnv>()
    .post('/sync/batches', requireSite(), async (c) => {
      const { data, bytes } = await readBody(c, syncBatch, opts.maxBatchBytes);
      const key = c.req.header('idempotency-key') ?? batchKey(data);
      if (key !== batchKey(data)) throw new HubError(HubErrorCode.BadRequest, `Idempotency-Key "${key}" does not match the batch (${batchKey(data)})`);
      return c.json(await ingestBatch(db, siteOf(c), data, bytes, key));
    })
    .post('/sync/contact', requireSite(), async (c) => {
      const siteId = siteOf(c);
      const { data } = await readBody(c, siteContact, 1_048_576);
      if (data.siteId !== siteId) throw new HubError(HubErrorCode.Forbidden, `this credential belongs to site "${siteId}"`);
      const node = { lastContact: Date.now(), backlog: data.backlog, health: data.health, drops: data.drops, appliedConfig: data.appliedConfig };
      await db.query(
        `UPDATE sites SET last_contact = now(), backlog = $2, applied_config_version = $3, applied_config_sha256 = $4, config_error = $5,
           models = $6, health = $7, drops = $8, reduction = $9,
           nodes = CASE WHEN $10::text IS NULL THEN nodes ELSE nodes || jsonb_build_object($10::text, $11::jsonb) END
         WHERE site_id = $1`,
        [siteId, JSON.stringify(data.backlog), data.appliedConfig.version, data.appliedConfig.sha256, JSON.stringify(data.configError), JSON.stringify(data.models), JSON.stringify(data.health), JSON.stringify(data.drops), JSON.stringify(data.reduction), data.epoch, JSON.stringify(node)],
      );
      const desired = (await db.query<{ version: number; text: string; signed: boolean; sha256: string }>('SELECT version, text, signed, sha256 FROM site_configs WHERE site_id = $1 ORDER BY version DESC LIMIT 1', [siteId])).rows[0];
      const applied = desired && desired.sha256 === data.appliedConfig.sha256;
      const refused = desired && data.configError?.version === Number(desired.version);
      const desiredModels = await settleModelDeployments(db, siteId, data, opts.signingKeyPem);
      const reply: ContactReply = { desiredConfig: desired && !applied && !refused ? { version: Number(desired.version), text: desired.text, signed: desired.signed } : null, desiredModels, serverTime: Date.now() };
      return c.json(reply);
    });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
