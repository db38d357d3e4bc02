import path from 'node:path';
import { SampleBatchBuilder, type Bus, type ComponentHealth, type FabrikEvent, type Sample, type SampleBatch, type TagRegistry } from '../core/index.js';
import { startCameraFeed, type CameraFeed } from './camera-feed.js';
import { CameraStation } from './camera-station.js';
import { registerConfiguredModels } from './configured-models.js';
import { errorMessage, InferenceError } from './errors.js';
import type { InferenceConfig } from './inference-config.js';
import { ModelHost, type RegisterMode } from './model-host.js';
import { ModelStore, type ModelRecord } from './model-store.js';
import { OnlineDetectors, type LiveScore } from './online-detectors.js';

/** Minimal logger (pino fits). */
export interface InferenceLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface InferenceOptions {
  config: InferenceConfig;
  dataDir: string;
  tags: TagRegistry;
  /** Stored batches arrive here ('samples'); inference subscribes. */
  bus: Bus;
  /** Score and counter samples go back through the store (the node's ingest queue). */
  emitSamples: (batch: SampleBatch) => void;
  /** Stores an event and publishes it on the bus. */
  recordEvent: (event: FabrikEvent) => void;
  /** Newest stored sample of a tag (inspection counters go on from it). */
  latest?: (tagIndex: number) => Sample | undefined;
  /** Asset path for site-wide events (model switches), e.g. "acme/demo". */
  siteAsset: string;
  logger?: InferenceLogger;
  tickMs?: number;
}

/** A model upload as the API hands it over. */
export interface ModelUpload {
  bytes: Uint8Array;
  manifest?: unknown;
  sha256?: string;
  mode: RegisterMode;
  name?: string;
  /** Where it came from: "api" (default), "hub" when the sync client installs a distributed version. */
  source?: string;
}

/** Inference as the node runs it: detectors, models, cameras; the API drives it through these methods. */
export interface InferenceRuntime {
  readonly detectors: OnlineDetectors;
  readonly host: ModelHost;
  readonly stations: ReadonlyMap<string, CameraStation>;
  health(): Record<string, ComponentHealth>;
  models(): (ModelRecord & { health: ComponentHealth | null })[];
  model(name: string): (ModelRecord & { health: ComponentHealth | null }) | undefined;
  register(upload: ModelUpload, actor: string): Promise<{ name: string; version: string; sha256: string; created: boolean }>;
  activate(name: string, version: string, actor: string): Promise<{ from: string | null; to: string }>;
  shadow(name: string, version: string | null, actor: string): Promise<{ from: string | null; to: string | null }>;
  rollback(name: string, actor: string): Promise<{ from: string; to: string }>;
  inspect(camera: string, image: { bytes: Uint8Array; partId: string }): Promise<unknown>;
  image(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
  /** Live detector scores and camera counters (dashboards poll it). */
  live(): { detectors: LiveScore[]; cameras: { id: string; model: string; asset: string; maxImageBytes: number; stats: CameraStation['stats'] }[] };
  readonly maxModelBytes: number;
  stop(): Promise<void>;
}

/**
 * Starts inference inside the node: online detectors and tags models on
 * every stored batch, cameras on their feeds, models from the config and
 * from `<dataDir>/models`. Nothing here can stop the node: a model that fails
 * to load or run, a camera folder that vanished, a bad image — each is
 * reported in health and the rest goes on.
 */
export async function startInference(opts: InferenceOptions): Promise<InferenceRuntime> {
  const { config, tags, logger } = opts;
  const store = await ModelStore.open(path.join(opts.dataDir, 'models'), { maxBytes: config.maxModelBytes });
  const host = new ModelHost({ store, tags, emitEvent: opts.recordEvent, emitSamples: opts.emitSamples, assetPath: opts.siteAsset });
  await host.start();
  const detectors = new OnlineDetectors({ detectors: config.detectors, tags, emit: opts.recordEvent });

  const stations = new Map<string, CameraStation>();
  for (const c of config.cameras) {
    const station = new CameraStation({ config: c, dataDir: opts.dataDir, tags, emitEvent: opts.recordEvent, emitSamples: opts.emitSamples, model: () => host.image(c.model), ...(opts.latest ? { latest: opts.latest } : {}) });
    await station.open();
    stations.set(c.id, station);
  }
  host.waitForCameras = async (model) => {
    await Promise.all([...stations.values()].filter((s) => s.config.model === model).map((s) => s.idle()));
  };
  const modelFileErrors = await registerConfiguredModels(host, config.models);
  for (const [file, err] of Object.entries(modelFileErrors)) logger?.error({ file, err }, 'a model of the site config could not be registered; the node runs without it');

  const feeds = new Map<string, CameraFeed>();
  const feedErrors = new Map<string, string>();
  for (const station of stations.values()) {
    try {
      const feed = await startCameraFeed(station, { dataDir: opts.dataDir, onError: (err, what) => logger?.warn({ err: errorMessage(err) }, what) });
      if (feed) feeds.set(station.config.id, feed);
    } catch (err) {
      feedErrors.set(station.config.id, errorMessage(err));
    }
  }

  const unsubscribe = opts.bus.subscribe('samples', (batch) => {
    const out = new SampleBatchBuilder(64);
    detectors.process(batch, out);
    host.process(batch);
    if (out.length > 0) opts.emitSamples(out.build());
  });
  const tick = setInterval(() => host.tick(Date.now()), opts.tickMs ?? 250);
  tick.unref();

  const withHealth = (rec: ModelRecord): ModelRecord & { health: ComponentHealth | null } => ({ ...rec, health: host.health()[`model.${rec.name}`] ?? null });
  const station = (id: string): CameraStation => {
    const s = stations.get(id);
    if (!s) throw new InferenceError('CAMERA_NOT_FOUND', `no camera "${id}"; cameras: ${[...stations.keys()].join(', ') || 'none (add one under inference.cameras)'}`);
    return s;
  };

  return {
    detectors,
    host,
    stations,
    health() {
      const out: Record<string, ComponentHealth> = { ...detectors.health(), ...host.health() };
      for (const [file, err] of Object.entries(modelFileErrors)) out[`model-file.${path.basename(file)}`] = { state: 'down', since: Date.now(), message: err };
      for (const [id, s] of stations) {
        const h = s.health();
        const feedError = feedErrors.get(id) ?? feeds.get(id)?.lastError();
        out[`camera.${id}`] = feedError && h.state === 'up' ? { ...h, state: 'degraded', message: feedError } : h;
      }
      return out;
    },
    models: () => host.records().map(withHealth),
    model(name) {
      const rec = host.records().find((r) => r.name === name);
      return rec ? withHealth(rec) : undefined;
    },
    register: (upload, actor) => host.register({ bytes: upload.bytes, source: upload.source ?? 'api', ...(upload.manifest !== undefined ? { manifest: upload.manifest } : {}), ...(upload.sha256 ? { sha256: upload.sha256 } : {}), ...(upload.name ? { name: upload.name } : {}) }, upload.mode, actor),
    activate: (name, version, actor) => host.activate(name, version, actor),
    shadow: (name, version, actor) => host.setShadow(name, version, actor),
    rollback: (name, actor) => host.rollback(name, actor),
    inspect: (camera, image) => station(camera).inspect({ bytes: image.bytes, partId: image.partId, source: 'upload' }),
    async image(id) {
      const camera = /^([a-z0-9][a-z0-9_-]*)_\d+_\d+$/.exec(id)?.[1];
      if (!camera) return null;
      // The camera id may itself contain "_": try the longest prefix that names a camera.
      for (const [cid, s] of stations) if (id.startsWith(`${cid}_`) && /^\d+_\d+$/.test(id.slice(cid.length + 1))) return s.image(id);
      return null;
    },
    live: () => ({
      detectors: detectors.live(),
      cameras: [...stations.values()].map((s) => ({ id: s.config.id, model: s.config.model, asset: s.config.asset, maxImageBytes: s.config.maxImageBytes, stats: structuredClone(s.stats) })),
    }),
    maxModelBytes: config.maxModelBytes,
    async stop() {
      clearInterval(tick);
      unsubscribe();
      await Promise.all([...feeds.values()].map((f) => f.stop()));
      await Promise.all([...stations.values()].map((s) => s.idle()));
      detectors.close();
      await host.close();
    },
  };
}
