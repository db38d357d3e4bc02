import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SiteConfig } from '../config/index.js';
import type { Bus, TagRegistry } from '../core/index.js';
import type { InferenceRuntime } from '../inference/index.js';
import { lineKpis } from '../kpi/index.js';
import type { ConfigRollout } from '../rollout/index.js';
import { clientTlsOptions, tlsPaths, type TlsMaterial } from '../security/index.js';
import type { EdgeStore } from '../store/index.js';
import { startSiteSync, type ModelDelivery, type SiteSync } from '../sync/index.js';
import type { HealthReport } from '../api/index.js';

/** Starts store-and-forward to the hub when the site config names one; undefined otherwise. */
export async function startNodeSync(o: {
  config: SiteConfig;
  dataDir: string;
  store: EdgeStore;
  bus: Bus;
  tags: TagRegistry;
  health(): HealthReport;
  rollout: ConfigRollout;
  inference: InferenceRuntime | undefined;
  logger: Logger;
  /** The node's certificate: shown to the hub (mutual TLS) when the hub URL is https. */
  tlsMaterial?: TlsMaterial | null;
}): Promise<SiteSync | undefined> {
  const { config } = o;
  const hub = config.sync.hub;
  if (!hub) return undefined;
  let tls;
  if (hub.startsWith('https:')) {
    // The hub's CA: the configured file, else the site CA (a hub certificate from `fabrik cert issue`), else the system roots.
    const caFile = config.sync.caFile ?? tlsPaths(o.dataDir).caCert;
    if (config.sync.caFile && !existsSync(caFile)) {
      o.logger.error({ caFile }, 'hub sync did not start: sync.caFile does not exist; the node runs without it');
      return undefined;
    }
    const ca = existsSync(caFile) ? readFileSync(caFile, 'utf8') : undefined;
    const own = o.tlsMaterial;
    // The node presents its certificate too, so a hub that requires client certificates from the site CA lets the uplink in.
    tls = own ? clientTlsOptions({ cert: own.cert, key: own.key, source: own.source, ...(ca ? { ca } : {}) }) : ca ? clientTlsOptions({ ca }) : undefined;
  }
  // The cloud is never critical: a sync that cannot start (an unreadable outbox) is logged, and the node runs without it.
  return startSiteSync({
    config: { ...config.sync, hub },
    siteId: config.site.id,
    siteName: config.site.name,
    dataDir: o.dataDir,
    query: (sql) => o.store.query(sql, { maxRows: 5_000_000, timeoutMs: 120_000 }),
    bus: o.bus,
    tags: o.tags,
    health: o.health,
    lineKpis: async (from, to) => {
      const site = o.rollout.config;
      if (site.kpi.lines.length === 0) return [];
      const lines = await lineKpis({ lines: site.kpi.lines, assets: site.assets }, (sql) => o.store.query(sql), { from, to, now: Date.now() });
      return lines.map((l) => ({ asset: l.asset, from: l.from, to: l.to, oee: l.oee, total: l.total, scrap: l.scrap }));
    },
    appliedConfig: () => ({ version: o.rollout.applied?.version ?? null, sha256: o.rollout.applied?.sha256 ?? null }),
    applyConfig: async (text) => void (await o.rollout.apply(text, 'hub', 'hub')),
    models: () => (o.inference?.models() ?? []).map((m) => ({ name: m.name, version: m.active, shadow: m.shadow, sha256s: m.versions.map((v) => v.sha256) })),
    installModel: async (m: ModelDelivery) => {
      if (!o.inference) throw new Error('this node runs no inference (it did not start, or the site config has no "inference:" section)');
      await o.inference.register({ bytes: m.onnx, sha256: m.sha256, mode: m.mode, name: m.name, source: 'hub' }, 'hub');
    },
    ...(o.inference ? { maxModelBytes: o.inference.maxModelBytes } : {}),
    trustedKeys: () => o.rollout.trusted,
    ...(tls ? { tls } : {}),
    logger: o.logger,
  }).catch((err: unknown) => {
    o.logger.error({ err: (err as Error).message, code: (err as { code?: string }).code }, 'hub sync did not start; the node runs without it');
    return undefined;
  });
}
