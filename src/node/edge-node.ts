import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createSimSource } from '../adapters/sim/index.js';
import { createModbusSource } from '../adapters/modbus/index.js';
import { createMqttSource } from '../adapters/mqtt/index.js';
import { startSiteMqtt, type SiteMqtt } from './site-mqtt.js';
import { findWebRoot, startApiServer, type HealthReport } from '../api/index.js';
import type { DeviceConfig, SiteConfig } from '../config/index.js';
import { Bus, TagRegistry, type FabrikEvent, type SampleBatch, type Source } from '../core/index.js';
import { AssetContext, createPipeline, IngestQueue, type Pipeline } from '../pipeline/index.js';
import { ensureAdminToken, listenerTls, TokenStore, type TlsMaterial, type TrustedKey } from '../security/index.js';
import { ConfigRollout, ConfigVersions, watchConfigFile, type AppliedVersion, type ConfigWatch } from '../rollout/index.js';
import { createPlant, type Plant } from '../sim/index.js';
import { EdgeStore } from '../store/index.js';
import { Fabric } from '../fabric/index.js';
import { fabricLatest, fileSourceFolders } from './fabric-wiring.js';
import { startInference, type InferenceRuntime } from '../inference/index.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { trackDrops } from './drop-metrics.js';
import { trackAdapterFaults } from './adapter-metrics.js';
import { SampleWriter } from './sample-writer.js';
import { EventRecorder } from './event-recorder.js';
import { openNodeSecurity, type TlsFiles } from './node-security.js';
import { reconfigureSources } from './reconfigure.js';
import { simControl } from './sim-control.js';
import { hostQuality, type QualityHost } from './quality-wiring.js';
import { createOpcuaDeviceSource, opcuaCertificates } from './opcua-wiring.js';
import { tagWrites } from './tag-writes.js';
import { trackSources } from './source-metrics.js';
import { StartedParts } from './started-parts.js';
import { Supervisor } from './supervisor.js';
import { defineConfiguredTags } from './tag-definitions.js';
import { startNodeSync } from './sync-wiring.js';
import type { SiteSync } from '../sync/index.js';

export interface EdgeNodeOptions {
  config: SiteConfig;
  dataDir: string;
  host?: string;
  port?: number;
  logger: Logger;
  /** The simulated plant feeding `sim` devices; created from `seed` when absent and needed. */
  plant?: Plant;
  seed?: number;
  /** Folder of the dashboard served at `/`; default: this installation's built `dist/web`; `false` serves none. */
  webRoot?: string | false;
  version?: string;
  /** How often time-driven pipeline stages (heartbeats, windows) are ticked. */
  tickMs?: number;
  /** PostgreSQL wire port of the fabric (overrides fabric.pg.port; 0 picks a free one). */
  pgPort?: number;
  /** TLS files from flags; the data dir's (from `fabrik init`) otherwise. */
  tls?: TlsFiles;
  /** The applied version and trusted keys from `loadStartupConfig`; absent = unsigned, not enforcing. */
  configSource?: { applied: AppliedVersion | null; trusted: TrustedKey[] };
  /** GitOps: a mounted file (ConfigMap) applied whenever it changes. */
  watchConfig?: { file: string; intervalMs?: number };
  /** How long a new config's sources get to come up before it is rolled back. Default 30 s. */
  sourceStartTimeoutMs?: number;
  /** A file whose content becomes the password of user "admin" when the node has no users yet. */
  bootstrapAdminPasswordFile?: string;
  /** Port of the embedded MQTT broker (overrides mqtt.broker.port and turns the broker on; 0 picks a free one). */
  mqttPort?: number;
}

export interface EdgeNode {
  url: string;
  port: number;
  store: EdgeStore;
  tags: TagRegistry;
  bus: Bus;
  plant: Plant | undefined;
  pipeline: Pipeline;
  queue: IngestQueue;
  adminToken: { path: string; created: boolean; token: string };
  fabric: Fabric;
  /** The PostgreSQL wire endpoint's port, when it runs. */
  pgPort: number | undefined;
  /** Detectors, models and cameras, when inference started. */
  inference?: InferenceRuntime;
  /** Live SPC, alarms and notifications. */
  quality: QualityHost;
  /** Signed-config rollout: applied version, apply(). */
  rollout: ConfigRollout;
  /** The node's certificate for other listeners (PG wire, MQTT, uplink), null without one. */
  tlsMaterial: TlsMaterial | null;
  /** Store-and-forward to the hub, when the site config names one. */
  sync?: SiteSync;
  /** The embedded MQTT broker and UNS publisher, when the config or --mqtt-port asks for them. */
  mqtt: SiteMqtt;
  health(): HealthReport;
  /** Stops sources, stores what is queued, closes the store and the API. */
  stop(): Promise<void>;
}

/** Starts one edge node: sources → pipeline → queue → store → bus → API; SPC and alarms take the pipeline's output before the store. */
export async function startEdgeNode(opts: EdgeNodeOptions): Promise<EdgeNode> {
  const { config, dataDir, logger } = opts;
  mkdirSync(dataDir, { recursive: true });
  const bus = new Bus((err, topic) => logger.warn({ err: (err as Error).message, topic }, 'bus subscriber failed'));
  const tags = new TagRegistry();
  defineConfiguredTags(config, tags);

  // Whatever is open when a later part fails to start is closed again, newest first.
  const parts = new StartedParts((part, err) => logger.warn({ part, err: (err as Error).message }, 'closing after a failed start failed'));
  const store = await EdgeStore.open({ dataDir, tags, store: config.store, retention: config.retention, logger: logger.child({ part: 'store' }), allowedDirectories: fileSourceFolders(config, dataDir) });
  parts.opened('store', () => store.close());
  const tokens = await parts.start(() => TokenStore.open(dataDir));
  parts.opened('tokens', () => tokens.close());
  const adminToken = await parts.start(() => ensureAdminToken(dataDir, tokens));
  const host = opts.host ?? config.api.host;
  const security = await parts.start(() => openNodeSecurity({ config, dataDir, host, bus, logger: logger.child({ part: 'security' }), ...(opts.tls ? { tls: opts.tls } : {}), ...(opts.bootstrapAdminPasswordFile ? { bootstrapAdminPasswordFile: opts.bootstrapAdminPasswordFile } : {}) }));
  parts.opened('security', () => security.close());
  const fabric = await parts.start(() => {
    const pgHost = config.fabric.pg.host ?? host;
    // The PostgreSQL endpoint makes the same TLS decision as the API: a network-facing listener without a certificate refuses to start.
    const pgTls = opts.pgPort !== undefined || config.fabric.pg.port !== undefined
      ? listenerTls({ listener: 'PostgreSQL endpoint', host: pgHost, mode: config.security.tls, material: security.tlsMaterial }).tls
      : null;
    return Fabric.start({
      config: config.fabric, siteId: config.site.id, dataDir, store, latest: fabricLatest(store, tags), tokens,
      queryMaxRows: config.api.queryMaxRows, queryTimeoutMs: config.api.queryTimeout, version: opts.version ?? '0.1.0',
      logger: logger.child({ part: 'fabric' }), ...(opts.pgPort !== undefined ? { pgPort: opts.pgPort } : {}), pgHost, pgTls, tls: security.tlsMaterial,
    });
  });
  parts.opened('fabric', () => fabric.stop());

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'fabrik_process_' });
  const m = createIngestMetrics(metrics);

  let pipeline = createPipeline({ config, tags });
  const queue = new IngestQueue(config.pipeline.maxQueuedSamples);
  const context = new AssetContext({ tags, timezone: config.site.timezone, shifts: config.shifts });
  trackDrops(metrics, m.samplesDropped, () => ({ pipeline: pipeline.stats(), queue: queue.stats() }));

  const writer = new SampleWriter({
    queue,
    sink: store,
    logger: logger.child({ part: 'writer' }),
    onStored: (batch) => {
      m.samplesStored.inc(batch.length);
      bus.publish('samples', batch);
    },
    onError: () => m.storeErrors.inc(),
  });
  writer.start();
  parts.opened('writer', () => writer.drain());

  // Processed samples go to the store's queue and, at once, to SPC and alarms ('processed'), which must not wait for the commit.
  const admit = (batch: SampleBatch): void => {
    if (batch.length === 0 || queue.closed) return;
    queue.push(batch);
    bus.publish('processed', batch);
  };
  const newSupervisor = (): Supervisor =>
    new Supervisor({
      logger: logger.child({ part: 'supervisor' }),
      onBatch: (batch: SampleBatch, source: string) => {
        m.samplesIn.inc({ source }, batch.length);
        admit(pipeline.process(batch));
      },
    });
  let supervisor = newSupervisor();
  trackAdapterFaults(metrics, () => supervisor.health());
  trackSources(metrics, { up: m.sourceUp, restarts: m.sourceRestarts }, () => supervisor.health());

  const needsPlant = config.devices.some((d) => d.enabled && d.protocol === 'sim');
  const plant = opts.plant ?? (needsPlant ? createPlant({ seed: opts.seed ?? 1, startTime: Date.now(), lines: simulatedLines(config) }) : undefined);
  const events = new EventRecorder({ bus, sink: store, logger: logger.child({ part: 'events' }), onStored: (n) => m.eventsStored.inc(n), onLost: (n) => m.eventsLost.inc(n) });
  parts.opened('events', () => events.close());
  const recordEvent = (event: FabrikEvent): void => events.record(event);
  const unsubscribePlant = plant?.onEvent(recordEvent);

  // Inference runs on the stored batches; if it cannot start, the node runs without it (health says why).
  let inference: InferenceRuntime | undefined;
  let inferenceError: string | undefined;
  try {
    inference = await startInference({ config: config.inference, dataDir, tags, bus, emitSamples: admit, recordEvent, latest: (i) => store.latest(i), siteAsset: `${config.site.enterprise}/${config.site.id}`, logger: logger.child({ part: 'inference' }) });
  } catch (err) {
    inferenceError = (err as Error).message;
    logger.error({ err: inferenceError }, 'inference could not start; the node runs without it');
  }
  parts.opened('inference', () => inference?.stop());

  // SPC and alarms restore their state from the store before the first sample arrives.
  const quality = await parts.start(() => hostQuality({ config, store, bus, tags, recordEvent, samplesStored: () => writer.settled(), eventsStored: () => events.settled(), logger: logger.child({ part: 'quality' }), tickMs: opts.tickMs ?? 1000, metrics }));
  parts.opened('quality', () => quality.stop());
  const siteMqtt = await parts.start(() =>
    startSiteMqtt({
      config: config.mqtt, tags, bus, logger: logger.child({ part: 'mqtt' }), tokens, tlsMode: config.security.tls, tlsMaterial: security.tlsMaterial,
      ...(opts.mqttPort !== undefined ? { port: opts.mqttPort } : {}),
    }),
  );
  parts.opened('mqtt', () => siteMqtt.close());

  const addSources = (cfg: SiteConfig, to: Supervisor): void => {
    for (const device of cfg.devices) {
      if (!device.enabled) continue;
      to.add(device.id, () => createSource(device, { tags, plant, dataDir, logger, recordEvent }));
    }
  };
  addSources(config, supervisor);
  parts.opened('sources', () => supervisor.stop());
  let running = config;
  const apiConfig = { api: config.api, siteId: config.site.id, version: opts.version ?? '0.1.0', site: config };
  /** Swaps the running config: stop the sources, new pipeline, start the new sources, and report whether they came up. */
  const reconfigure = (next: SiteConfig) =>
    reconfigureSources({
      current: running,
      next,
      timeoutMs: opts.sourceStartTimeoutMs ?? 30_000,
      swap: async () => {
        await supervisor.stop();
        admit(pipeline.tick(Date.now()));
        defineConfiguredTags(next, tags);
        pipeline = createPipeline({ config: next, tags });
        supervisor = newSupervisor();
        addSources(next, supervisor);
        running = next;
        Object.assign(apiConfig, { site: next, siteId: next.site.id });
        await quality.reconfigure(next);
        return supervisor;
      },
    });
  const versions = new ConfigVersions(dataDir);
  const rollout = new ConfigRollout({
    versions,
    trusted: opts.configSource?.trusted ?? [],
    target: { reconfigure },
    current: { config, applied: opts.configSource?.applied ?? null },
    recordEvent: recordEvent,
    siteAsset: config.site.enterprise ? `${config.site.enterprise}/${config.site.id}` : config.site.id,
  });

  const tick = setInterval(() => {
    admit(pipeline.tick(Date.now()));
    m.queueDepth.set(queue.size);
  }, opts.tickMs ?? 1000);
  tick.unref();
  parts.opened('tick', () => clearInterval(tick));

  let ready = false;
  const health = (): HealthReport => {
    const components = { store: store.health(), ...supervisor.health(), ...siteMqtt.health(), ...inference?.health(), ...quality.health(), ...(inferenceError ? { inference: { state: 'down' as const, since: Date.now(), message: inferenceError } } : {}) };
    if (writer.failures > 0) components.store = { ...components.store, state: 'degraded', message: `${writer.failures} failed writes in a row; retrying` };
    const states = Object.values(components).map((c) => c.state);
    const status = components.store.state === 'down' ? 'down' : states.every((s) => s === 'up') ? 'ok' : 'degraded';
    return { status, components };
  };

  const webRoot = opts.webRoot === false ? undefined : (opts.webRoot ?? findWebRoot());
  const sync = await parts.start(() => startNodeSync({ config, dataDir, store, bus, tags, health, rollout, inference, logger: logger.child({ part: 'sync' }), tlsMaterial: security.tlsMaterial }));
  parts.opened('sync', () => sync?.stop());
  const api = await parts.start(() =>
    startApiServer({
      deps: {
        tags,
        tokens,
        bus,
        metrics,
        query: (sql, q) => fabric.query(sql, q),
        fabric: fabric.routes(),
        latest: (i) => store.latest(i),
        events: (f) => store.events(f),
        health,
        ready: () => ready && store.health().state !== 'down',
        enrich: (batch, i) => {
          const e = context.enrich(batch, i);
          return { assetPath: e.assetPath, line: e.line, unit: e.unit, shift: e.shift };
        },
        ...(plant ? { sim: simControl(plant) } : {}),
        opcua: opcuaCertificates(dataDir),
        writeTag: tagWrites(tags, (device) => supervisor.current(device)),
        storeStats: () => ({ ...store.stats() }),
        ...(inference ? { inference } : {}),
        ...(sync ? { sync } : {}),
        spc: quality.spc,
        alarms: quality.alarms,
        logger,
        config: apiConfig,
        security: {
          ...security.deps,
          recordEvent: recordEvent,
          configControl: { status: () => rollout.status(), apply: (text, actor) => rollout.apply(text, actor) },
        },
      },
      host,
      port: opts.port ?? config.api.port,
      ...(webRoot ? { webRoot } : {}),
      tls: security.apiTls.tls,
    }),
  );
  ready = true;
  let watch: ConfigWatch | undefined;
  if (opts.watchConfig) {
    const { file, intervalMs } = opts.watchConfig;
    watch = watchConfigFile(file, {
      ...(intervalMs ? { intervalMs } : {}),
      onChange: async (text) => {
        const result = await rollout.apply(text, `gitops:${file}`, `file:${file}`);
        logger.info({ file, version: result['version'], unchanged: result['unchanged'] ?? false }, 'config file applied');
      },
      onError: (err) => logger.error({ file, err: (err as Error).message, code: (err as { code?: string }).code }, 'config file not applied; the running config stays'),
    });
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      ready = false;
      watch?.close();
      await watch?.settled();
      clearInterval(tick);
      unsubscribePlant?.();
      await inference?.stop();
      await supervisor.stop();
      admit(pipeline.tick(Date.now()));
      await writer.drain();
      await quality.stop();
      await events.close();
      await sync?.stop();
      await siteMqtt.close();
      await api.close();
      await fabric.stop();
      await store.close();
      await tokens.close();
      await security.close();
    })());

  return {
    url: api.url,
    port: api.port,
    store,
    tags,
    bus,
    plant,
    get pipeline() {
      return pipeline;
    },
    queue,
    adminToken,
    rollout,
    quality,
    tlsMaterial: security.tlsMaterial,
    mqtt: siteMqtt,
    fabric,
    pgPort: fabric.pgPort,
    ...(inference ? { inference } : {}),
    ...(sync ? { sync } : {}),
    health,
    stop,
  };
}

function createSource(device: DeviceConfig, ctx: { tags: TagRegistry; plant: Plant | undefined; dataDir: string; logger: Logger; recordEvent: (event: FabrikEvent) => void }): Source | Promise<Source> {
  const logger = ctx.logger.child({ part: 'adapter', device: device.id });
  switch (device.protocol) {
    case 'sim':
      if (!ctx.plant) throw new Error(`device "${device.id}" uses the simulator, but this node runs none`);
      return createSimSource({ device, tags: ctx.tags, plant: ctx.plant });
    case 'mqtt':
      return createMqttSource({ device, tags: ctx.tags, logger });
    case 'modbus':
      return createModbusSource({ device, tags: ctx.tags, logger });
    case 'opcua':
      return createOpcuaDeviceSource(device, ctx);
    default: {
      const unknown: { id: string; protocol: string } = device;
      throw new Error(`device "${unknown.id}": the ${unknown.protocol} adapter is not available in this build`);
    }
  }
}

/** How many bottling lines the sim devices read (addresses line1.… to lineN.…), so `fabrik demo --lines N` simulates all of them. */
function simulatedLines(config: SiteConfig): number {
  let lines = 1;
  for (const d of config.devices) {
    if (d.protocol !== 'sim') continue;
    for (const t of d.tags) {
      const m = /^line(\d+)\./.exec(t.address ?? '');
      if (m) lines = Math.max(lines, Number(m[1]));
    }
  }
  return lines;
}
