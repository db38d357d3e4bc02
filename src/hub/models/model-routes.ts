import { Hono } from 'hono';
import { z } from 'zod';
import { requireHubRole, requireSite, type HubEnv } from '../hub-auth.js';
import type { HubDatabase } from '../hub-database.js';
import { HubError, HubErrorCode } from '../errors.js';
import { readBody } from '../request-body.js';

const distribution = z
  .object({
    sites: z.array(z.string().min(1).max(64)).min(1).max(1000),
    mode: z.enum(['shadow', 'active']).default('shadow'),
  })
  .strict();

const training = z
  .object({
    kind: z.enum(['pca', 'iforest', 'image-classifier']),
    siteId: z.string().min(1).max(64),
    tags: z.array(z.string().min(1).max(128)).min(1).max(64),
    from: z.union([z.number().int(), z.iso.datetime({ offset: true })]).transform((v) => (typeof v === 'number' ? v : Date.parse(v))),
    to: z.union([z.number().int(), z.iso.datetime({ offset: true })]).transform((v) => (typeof v === 'number' ? v : Date.parse(v))),
    name: z.string().max(64).optional(),
    source: z.enum(['auto', 'raw', 'rollup']).default('auto'),
    windowMs: z.number().int().min(10).max(3_600_000).default(1000),
    seed: z.number().int().optional(),
  })
  .strict();

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v == null ? null : new Date(String(v)).getTime());

function versionParam(v: string): number {
  const n = Number(v.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new HubError(HubErrorCode.BadRequest, `"${v}" is not a model version; versions are 1, 2, 3...`);
  return n;
}

const describe = (r: Record<string, unknown>) => ({
  name: r['name'],
  version: Number(r['version']),
  kind: r['kind'],
  sha256: r['sha256'],
  bytes: Number(r['bytes']),
  metrics: r['metrics'],
  source: r['source'],
  createdBy: r['created_by'],
  createdAt: ms(r['created_at']),
});

const deployment = (r: Record<string, unknown>) => ({
  siteId: r['site_id'],
  name: r['name'],
  version: Number(r['version']),
  mode: r['mode'],
  createdBy: r['created_by'],
  createdAt: ms(r['created_at']),
  appliedAt: ms(r['applied_at']),
  error: r['error'] ?? null,
  state: r['applied_at'] ? 'applied' : r['error'] ? 'refused' : 'pending',
});

const COLUMNS = 'name, version, kind, sha256, octet_length(onnx) AS bytes, metrics, source, created_by, created_at';

/**
 * Models trained on the hub: the versions, their distribution to sites (the
 * site fetches a version on its next contact) and, for sites, the download.
 */
export function modelRoutes(db: HubDatabase): Hono<HubEnv> {
  return new Hono<HubEnv>()
    .get('/models', requireHubRole('viewer'), async (c) => c.json({ models: (await db.query(`SELECT ${COLUMNS} FROM hub_models ORDER BY name, version DESC`)).rows.map(describe) }))
    .get('/models/:name/:version', requireHubRole('viewer'), async (c) => {
      const { name } = c.req.param();
      const version = versionParam(c.req.param('version'));
      const row = (await db.query(`SELECT ${COLUMNS}, manifest FROM hub_models WHERE name = $1 AND version = $2`, [name, version])).rows[0];
      if (!row) throw new HubError(HubErrorCode.NotFound, `the hub has no model "${name}" version ${version}`);
      const deployments = (await db.query('SELECT * FROM model_deployments WHERE name = $1 AND version = $2 ORDER BY site_id', [name, version])).rows;
      return c.json({ ...describe(row), manifest: row['manifest'], deployments: deployments.map(deployment) });
    })
    .post('/models/train', requireHubRole('admin'), async (c) => {
      const { data } = await readBody(c, training, 65_536);
      const who = c.get('identity');
      // Loaded on the first training, not at start-up: a hub that never trains never pays for the trainers.
      const { trainOnHub } = await import('./hub-training.js');
      const { name, seed, ...rest } = data;
      const model = await trainOnHub(db, { ...rest, ...(name ? { name } : {}), ...(seed !== undefined ? { seed } : {}), createdBy: who?.kind === 'user' ? who.name : 'unknown' });
      return c.json(model, 201);
    })
    .post('/models/:name/:version/distribute', requireHubRole('admin'), async (c) => {
      const { name } = c.req.param();
      const version = versionParam(c.req.param('version'));
      const { data } = await readBody(c, distribution, 1_048_576);
      const who = c.get('identity');
      const actor = who?.kind === 'user' ? who.name : 'unknown';
      const rows = await db.transaction(async (tx) => {
        const model = await tx.query('SELECT 1 FROM hub_models WHERE name = $1 AND version = $2', [name, version]);
        if (model.rows.length === 0) throw new HubError(HubErrorCode.NotFound, `the hub has no model "${name}" version ${version}; train one with "fabrik hub train"`);
        const known = new Set((await tx.query<{ site_id: string }>('SELECT site_id FROM sites WHERE site_id = ANY($1::text[])', [data.sites])).rows.map((r) => r.site_id));
        const unknown = data.sites.filter((s) => !known.has(s));
        if (unknown.length > 0) throw new HubError(HubErrorCode.NotFound, `no site ${unknown.map((s) => `"${s}"`).join(', ')} is enrolled`);
        const out: Record<string, unknown>[] = [];
        for (const site of new Set(data.sites)) {
          const r = await tx.query(
            `INSERT INTO model_deployments (site_id, name, version, mode, created_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (site_id, name) DO UPDATE SET version = EXCLUDED.version, mode = EXCLUDED.mode, created_by = EXCLUDED.created_by,
               created_at = now(), applied_at = NULL, error = NULL
             RETURNING *`,
            [site, name, version, data.mode, actor],
          );
          out.push(r.rows[0]!);
        }
        return out;
      });
      return c.json({ deployments: rows.map(deployment) }, 201);
    })
    .get('/sites/:id/models', requireHubRole('viewer'), async (c) => {
      const rows = (await db.query('SELECT * FROM model_deployments WHERE site_id = $1 ORDER BY name', [c.req.param('id')])).rows;
      return c.json({ deployments: rows.map(deployment) });
    })
    .get('/sync/models/:name/:version', requireSite(), async (c) => {
      const siteId = (c.get('identity') as { siteId: string }).siteId;
      const { name } = c.req.param();
      const version = versionParam(c.req.param('version'));
      const row = (await db.query<{ onnx: Uint8Array; sha256: string }>(
        'SELECT m.onnx, m.sha256 FROM hub_models m JOIN model_deployments d ON d.name = m.name AND d.version = m.version WHERE d.site_id = $1 AND m.name = $2 AND m.version = $3',
        [siteId, name, version],
      )).rows[0];
      if (!row) throw new HubError(HubErrorCode.NotFound, `model "${name}" version ${version} is not distributed to site "${siteId}"`);
      const bytes = Buffer.from(row.onnx);
      return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/octet-stream', 'x-model-sha256': row.sha256, 'content-length': String(bytes.length) });
    });
}
