import { Hono } from 'hono';
import { requireHubRole, type HubEnv } from './hub-auth.js';
import type { HubDatabase } from './hub-database.js';
import { HubError, HubErrorCode } from './errors.js';

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v == null ? null : new Date(String(v)).getTime());

/** The site registry: who reports, when they last did, their backlog, applied config and models, health, and the delivery ledger. */
export function sitesRoutes(db: HubDatabase): Hono<HubEnv> {
  const describe = (r: Record<string, unknown>) => ({
    siteId: r['site_id'],
    name: r['name'],
    enrolledAt: ms(r['enrolled_at']),
    lastContact: ms(r['last_contact']),
    backlog: r['backlog'] ?? null,
    appliedConfig: { version: r['applied_config_version'] ?? null, sha256: r['applied_config_sha256'] ?? null, error: r['config_error'] ?? null },
    desiredConfigVersion: r['desired_version'] == null ? null : Number(r['desired_version']),
    models: r['models'] ?? [],
    health: r['health'] ?? null,
    drops: r['drops'] ?? {},
    reduction: r['reduction'] ?? null,
    /** Per edge node (by outbox epoch), for a site with several: last contact, backlog, health, drops. */
    nodes: r['nodes'] ?? {},
  });
  const SELECT = `SELECT s.*, (SELECT max(version) FROM site_configs c WHERE c.site_id = s.site_id) AS desired_version FROM sites s`;
  return new Hono<HubEnv>()
    .get('/sites', requireHubRole('viewer'), async (c) => c.json({ sites: (await db.query(`${SELECT} ORDER BY s.site_id`)).rows.map(describe) }))
    .get('/sites/:id', requireHubRole('viewer'), async (c) => {
      const siteId = c.req.param('id');
      const row = (await db.query(`${SELECT} WHERE s.site_id = $1`, [siteId])).rows[0];
      if (!row) throw new HubError(HubErrorCode.NotFound, `no site "${siteId}" is enrolled`);
      const streams = (await db.query('SELECT stream, epoch, high_seq, dropped_through, dropped_items, first_at, updated_at FROM sync_streams WHERE site_id = $1 ORDER BY stream, first_at', [siteId])).rows;
      return c.json({
        ...describe(row),
        streams: streams.map((s) => ({ stream: s['stream'], epoch: s['epoch'], ackedThrough: Number(s['high_seq']), droppedThrough: Number(s['dropped_through']), droppedItems: Number(s['dropped_items']), firstAt: ms(s['first_at']), updatedAt: ms(s['updated_at']) })),
      });
    })
    .get('/sites/:id/ledger', requireHubRole('viewer'), async (c) => {
      const limit = Math.min(Number(c.req.query('limit') ?? 100) || 100, 1000);
      const rows = (await db.query('SELECT idempotency_key, stream, epoch, first_seq, last_seq, items, inserted, bytes, backfill, received_at FROM sync_batches WHERE site_id = $1 ORDER BY received_at DESC LIMIT $2', [c.req.param('id'), limit])).rows;
      return c.json({
        batches: rows.map((r) => ({ key: r['idempotency_key'], stream: r['stream'], epoch: r['epoch'], firstSeq: Number(r['first_seq']), lastSeq: Number(r['last_seq']), items: r['items'], inserted: r['inserted'], bytes: r['bytes'], backfill: r['backfill'], receivedAt: ms(r['received_at']) })),
      });
    });
}
