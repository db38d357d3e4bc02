import { parseSiteConfig, type SiteConfig } from '../../config/index.js';
import { SampleBatchBuilder, TagRegistry, type SampleBatch } from '../../core/index.js';
import { createPipeline } from '../../pipeline/index.js';
import { createPlant, demoSiteConfig, type FaultSpec, type Plant } from '../../sim/index.js';

/** Sim time of the first sample: fixed, so a seed always gives the same series. */
export const SIM_EPOCH = Date.UTC(2024, 0, 1);

export interface SimStreamOptions {
  seed: number;
  /** Sim minutes to run. */
  minutes: number;
  /** The site whose devices are polled and whose pipeline (deadband, range…) the samples pass; default: the demo site. */
  config?: SiteConfig;
  /** Registry to define the tags in (one is made when absent). */
  tags?: TagRegistry;
  /** Faults to inject, with `start` in sim time (SIM_EPOCH + offset). */
  faults?: FaultSpec[];
  /** Called with each batch as the store would receive it. */
  onBatch: (batch: SampleBatch, plant: Plant) => void | Promise<void>;
  onProgress?: (minute: number) => void;
}

/**
 * Replays the simulated plant as a site would store it: every device polled
 * at its interval (at most once a second), through the site's pipeline, in
 * sim time (no waiting). Training and quality measurement see the same
 * samples — deadband holds included — that detectors see in a running node.
 */
export async function simulateStoredSamples(opts: SimStreamOptions): Promise<{ tags: TagRegistry; plant: Plant }> {
  const config = opts.config ?? parseSiteConfig(demoSiteConfig({ lines: 1 }));
  const tags = opts.tags ?? new TagRegistry();
  const plant = createPlant({ seed: opts.seed, startTime: SIM_EPOCH });
  const devices = config.devices
    .filter((d) => d.enabled && d.protocol === 'sim')
    .map((d) => ({
      everyMs: Math.max(1000, Math.round(d.interval / 1000) * 1000),
      bindings: d.tags.map((t) => {
        const index = tags.define({ id: t.id, assetPath: t.asset, point: t.point ?? t.id.split('.').at(-1)!, dataType: t.type, unit: t.unit, description: t.description, retentionClass: t.retention ?? config.retention.defaultClass, source: d.id, writable: t.writable, ...(t.low !== undefined ? { low: t.low } : {}), ...(t.high !== undefined ? { high: t.high } : {}) });
        return { index, signal: plant.resolve(t.address as string) };
      }),
    }));
  const pipeline = createPipeline({ config, tags, now: () => plant.time + 1000 });
  for (const f of opts.faults ?? []) plant.injectFault(f);
  const end = SIM_EPOCH + opts.minutes * 60_000;
  let minute = 0;
  for (let t = SIM_EPOCH + 1000; t <= end; t += 1000) {
    plant.advanceTo(t, Number.POSITIVE_INFINITY);
    const b = new SampleBatchBuilder(256);
    for (const d of devices) {
      if ((t - SIM_EPOCH) % d.everyMs !== 0) continue;
      for (const { index, signal } of d.bindings) {
        if (signal === undefined) continue;
        const ts = plant.sampleTimeAt(signal);
        if (!Number.isFinite(ts)) continue;
        b.push(index, ts, plant.valueAt(signal), plant.qualityAt(signal), t);
      }
    }
    const stored = pipeline.process(b.build());
    const timed = pipeline.tick(t);
    if (stored.length > 0) await opts.onBatch(stored, plant);
    if (timed.length > 0) await opts.onBatch(timed, plant);
    if ((t - SIM_EPOCH) % 60_000 === 0) opts.onProgress?.(++minute);
  }
  return { tags, plant };
}
