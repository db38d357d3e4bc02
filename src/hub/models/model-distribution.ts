import { signModelStatement, type DesiredModel, type SiteContact } from '../../sync/index.js';
import type { HubSql } from '../hub-database.js';

/**
 * On a site's contact: marks distributed versions the site now holds as
 * applied, records the ones it refused, and answers with the rest. The site
 * counts a version as held when any stored version of that model has its
 * SHA-256, whatever mode the site's engineers put it in since: once there,
 * switching is the site's business.
 */
export async function settleModelDeployments(db: HubSql, siteId: string, contact: Pick<SiteContact, 'models' | 'modelErrors'>, signingKeyPem?: string): Promise<DesiredModel[]> {
  const pending = (await db.query<{ name: string; version: number; mode: 'shadow' | 'active'; sha256: string; bytes: number; error: string | null }>(
    `SELECT d.name, d.version, d.mode, d.error, m.sha256, octet_length(m.onnx) AS bytes
       FROM model_deployments d JOIN hub_models m ON m.name = d.name AND m.version = d.version
      WHERE d.site_id = $1 AND d.applied_at IS NULL`,
    [siteId],
  )).rows;
  const desired: DesiredModel[] = [];
  for (const d of pending) {
    const held = contact.models.some((m) => m.name === d.name && Array.isArray(m['sha256s']) && (m['sha256s'] as unknown[]).includes(d.sha256));
    const refused = contact.modelErrors.find((e) => e.name === d.name && e.sha256 === d.sha256);
    if (held) await db.query('UPDATE model_deployments SET applied_at = now(), error = NULL WHERE site_id = $1 AND name = $2 AND version = $3', [siteId, d.name, d.version]);
    else if (refused) {
      if (refused.message !== d.error) await db.query('UPDATE model_deployments SET error = $4 WHERE site_id = $1 AND name = $2 AND version = $3', [siteId, d.name, d.version, refused.message]);
    } else {
      const m: DesiredModel = { name: d.name, version: Number(d.version), sha256: d.sha256, mode: d.mode, bytes: Number(d.bytes) };
      desired.push(signingKeyPem ? { ...m, signature: signModelStatement(m, signingKeyPem) } : m);
    }
  }
  return desired;
}
