import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Bus, TagRegistry } from '../core/index.js';
import { writeSecretFile, type TrustedKey } from '../security/index.js';
import { SyncError, SyncErrorCode } from './errors.js';
import { HubClient } from './hub-client.js';
import { ModelDownload, type ModelDelivery } from './model-download.js';
import { Outbox } from './outbox.js';
import { SyncCollector } from './sync-collector.js';
import type { SyncConfig } from './sync-config.js';
import { Uplink } from './uplink.js';
import { STREAMS, type ContactReply, type DesiredModel, type HealthItem, type SiteContact } from './wire.js';

/** What `GET /api/v1/sync/status` answers (the dashboard's SyncStatus, plus details). */
export interface SyncStatusReport {
  enabled: boolean;
  hub?: string;
  backlog: { items: number; bytes: number; oldestTs?: number };
  lastSuccess?: number;
  drops: Record<string, number>;
  bytesPerSecond: number;
  coverHours?: number;
  state: 'connected' | 'backing-off' | 'disabled';
  [detail: string]: unknown;
}

/** The status of a site that syncs nothing. */
export function disabledSyncStatus(): SyncStatusReport {
  return { enabled: false, backlog: { items: 0, bytes: 0 }, drops: {}, bytesPerSecond: 0, state: 'disabled' };
}

const credentialsFile = z.object({ hub: z.string(), siteId: z.string(), credential: z.string().min(16) }).loose();

export interface SiteSyncOptions {
  config: SyncConfig & { hub: string };
  siteId: string;
  siteName: string;
  dataDir: string;
  query(sql: string): Promise<{ rows: unknown[][] }>;
  bus: Bus;
  tags: TagRegistry;
  health(): { status: 'ok' | 'degraded' | 'down'; components: Record<string, { state: string; message?: string }> };
  lineKpis?(from: number, to: number): Promise<HealthItem['lines']>;
  /** The applied config version and hash, reported to the hub. */
  appliedConfig(): { version: number | null; sha256: string | null };
  /** Applies a desired config from the hub (the signed-config rollout); throws when it is refused. */
  applyConfig?(text: string): Promise<void>;
  models?(): SiteContact['models'];
  /** Registers a model version the hub distributed (already checked against its SHA-256); throws when it is refused. */
  installModel?(m: ModelDelivery): Promise<void>;
  /** Largest model the site takes (inference.maxModelBytes). */
  maxModelBytes?: number;
  /** Keys the site takes signatures from (the signed-config trust); with any, models must be signed. */
  trustedKeys?(): readonly TrustedKey[];
  /** HTTPS options for the hub (its CA). */
  tls?: ConnectionOptions;
  logger: Logger;
  now?: () => number;
}

/** The site side of sync, running: outbox, collector and uplink. */
export interface SiteSync {
  /** The hub's origin (scheme://host:port), which the dashboard's Hub page may fetch. */
  hubOrigin: string;
  outbox: Outbox;
  collector: SyncCollector;
  uplink: Uplink;
  status(): SyncStatusReport;
  stop(): Promise<void>;
}

/** Opens the outbox in `<dataDir>/outbox` and starts collecting and sending. */
export async function startSiteSync(opts: SiteSyncOptions): Promise<SiteSync> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const inData = (p: string): string => (isAbsolute(p) ? p : join(opts.dataDir, p));
  const outbox = await Outbox.open({
    dir: join(opts.dataDir, 'outbox'),
    maxBytes: config.outbox.maxBytes,
    segmentBytes: config.outbox.segmentBytes,
    ttlMs: config.outbox.ttl,
    dropEvents: config.outbox.dropEvents,
    now,
  });
  let client: HubClient | null = null;
  const hubClient = async (): Promise<HubClient> => {
    if (client) return client;
    const file = inData(config.credentialsFile);
    let credential: string;
    try {
      const saved = credentialsFile.parse(JSON.parse(await readFile(file, 'utf8')));
      credential = saved.credential;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SyncError(SyncErrorCode.NotEnrolled, `the hub credentials file ${file} cannot be read: ${(err as Error).message}`);
      if (!config.enrolmentTokenFile) throw new SyncError(SyncErrorCode.NotEnrolled, `the site is not enrolled: no ${file}; run "fabrik hub enrol" or set sync.enrolmentTokenFile`);
      const token = (await readFile(inData(config.enrolmentTokenFile), 'utf8')).trim();
      const enrolled = await new HubClient({ url: config.hub, timeoutMs: config.uplink.timeout, ...(opts.tls ? { tls: opts.tls } : {}) }).enrol(token, opts.siteId, opts.siteName);
      await writeSecretFile(file, `${JSON.stringify({ hub: config.hub, siteId: enrolled.siteId, credential: enrolled.credential })}\n`);
      logger.info({ hub: config.hub, file }, 'site enrolled with the hub');
      credential = enrolled.credential;
    }
    client = new HubClient({ url: config.hub, credential, timeoutMs: config.uplink.timeout, gzipLevel: config.uplink.gzipLevel, ...(opts.tls ? { tls: opts.tls } : {}) });
    return client;
  };

  let uplink: Uplink;
  const collector = new SyncCollector({
    outbox, config, query: opts.query, bus: opts.bus, tags: opts.tags, health: opts.health,
    ...(opts.lineKpis ? { lineKpis: opts.lineKpis } : {}),
    appended: () => uplink.wake(),
    logger, now,
  });
  let configError: SiteContact['configError'] = null;
  const install = opts.installModel;
  const downloads = install ? new ModelDownload({ install, maxBytes: opts.maxModelBytes ?? 256 * 1024 * 1024, ...(opts.trustedKeys ? { trusted: opts.trustedKeys } : {}), logger }) : null;
  const drops = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [stream, s] of Object.entries(outbox.stats().streams)) {
      for (const [reason, n] of Object.entries(s.drops)) if (n > 0) out[`${stream}.${reason}`] = n;
    }
    return out;
  };
  const backlog = () => Object.fromEntries(STREAMS.map((s) => { const st = outbox.stats().streams[s]; return [s, { items: st.items, bytes: st.bytes, oldestAt: st.oldestAt }]; }));
  uplink = new Uplink({
    outbox,
    siteId: opts.siteId,
    client: hubClient,
    contact: async () => ({
      siteId: opts.siteId,
      epoch: outbox.epoch,
      backlog: backlog(),
      appliedConfig: opts.appliedConfig(),
      configError,
      models: opts.models?.() ?? [],
      modelErrors: downloads?.errors() ?? [],
      health: opts.health(),
      drops: drops(),
      reduction: { rawBytes: collector.rawBytes, sentBytes: uplink.status().sent.wireBytes },
    }),
    onDesiredConfig: async (desired: NonNullable<ContactReply['desiredConfig']>) => {
      if (!opts.applyConfig) return;
      try {
        await opts.applyConfig(desired.text);
        configError = null;
        logger.info({ version: desired.version }, 'desired config from the hub applied');
      } catch (err) {
        configError = { version: desired.version, message: (err as Error).message.slice(0, 2000) };
        logger.error({ version: desired.version, err: (err as Error).message }, 'desired config from the hub refused');
      }
      uplink.contactSoon();
    },
    ...(downloads
      ? {
          onDesiredModels: async (models: DesiredModel[], c: HubClient) => {
            await downloads.deliver(models, c);
            uplink.contactSoon();
          },
        }
      : {}),
    batchItems: config.uplink.batchItems,
    batchBytes: config.uplink.batchBytes,
    bandwidth: config.uplink.bandwidth,
    retryMinMs: config.uplink.retryMin,
    retryMaxMs: config.uplink.retryMax,
    contactEveryMs: config.uplink.contactEvery,
    backfillAfterMs: config.uplink.backfillAfter,
    logger,
    now,
  });
  collector.start();
  uplink.start();

  // Outbox growth over the last ten minutes: how long the free space lasts if the hub stays away.
  const growth: { at: number; appended: number }[] = [];
  const appendedTotal = (): number => STREAMS.reduce((sum, s) => sum + outbox.stats().streams[s].nextSeq - 1, 0);
  const status = (): SyncStatusReport => {
    const s = outbox.stats();
    const up = uplink.status();
    const t = now();
    const items = STREAMS.reduce((sum, k) => sum + s.streams[k].items, 0);
    const oldest = STREAMS.map((k) => s.streams[k].oldestAt).filter((v): v is number => v !== null);
    growth.push({ at: t, appended: appendedTotal() });
    while (growth.length > 2 && growth[1]!.at < t - 600_000) growth.shift();
    const first = growth[0]!;
    const perHour = t - first.at >= 5000 ? ((appendedTotal() - first.appended) * 3_600_000) / (t - first.at) : 0;
    const bytesPerItem = items > 0 ? s.bytes / items : 200;
    const coverHours = perHour > 0 ? Math.max(0, s.maxBytes - s.bytes) / (perHour * bytesPerItem) : undefined;
    return {
      enabled: true,
      hub: config.hub,
      backlog: { items, bytes: s.bytes, ...(oldest.length > 0 ? { oldestTs: Math.min(...oldest) } : {}) },
      ...(up.lastSuccess !== null ? { lastSuccess: up.lastSuccess } : {}),
      drops: drops(),
      bytesPerSecond: up.bytesPerSecond,
      ...(coverHours !== undefined ? { coverHours } : {}),
      state: up.state,
      lastError: up.lastError,
      nextRetryAt: up.nextRetryAt,
      epoch: outbox.epoch,
      maxBytes: s.maxBytes,
      streams: s.streams,
      sent: up.sent,
      reduction: { rawBytes: collector.rawBytes, samples: collector.samples, sentBytes: up.sent.wireBytes, ratio: up.sent.wireBytes > 0 ? collector.rawBytes / up.sent.wireBytes : null },
    };
  };
  let stopping: Promise<void> | null = null;
  return {
    hubOrigin: new URL(config.hub).origin,
    outbox,
    collector,
    uplink,
    status,
    stop: () =>
      (stopping ??= (async () => {
        await collector.stop();
        await uplink.stop();
        await outbox.close();
      })()),
  };
}
