import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseSiteConfig, type SiteConfig } from '../src/config/index.js';
import { TagRegistry } from '../src/core/index.js';
import { defineConfiguredTags } from '../src/node/tag-definitions.js';
import { SampleWriter } from '../src/node/sample-writer.js';
import { createPipeline, IngestQueue } from '../src/pipeline/index.js';
import { demoSiteConfig } from '../src/sim/index.js';
import { EdgeStore } from '../src/store/index.js';
import type { Metric } from './metric.js';
import { SyntheticPlant } from './synthetic-plant.js';

/** The demo plant's tag set scaled to about `tags` tags (19 per bottling line + the rest). */
export function scaledDemoConfig(tags: number, processors?: 'none'): SiteConfig {
  const lines = Math.max(1, Math.round((tags - 17) / 19));
  const doc = demoSiteConfig({ lines }) as Record<string, unknown>;
  const config = parseSiteConfig(processors === 'none' ? { ...doc, pipeline: { processors: [] } } : doc);
  return config;
}

/**
 * Samples/s from a source through the pipeline, the bounded queue and the
 * writer into the store, every sample acknowledged only after its durable
 * commit — the node's real ingest path, with the producer honouring
 * backpressure the way a source awaiting its consumer does.
 */
export async function benchIngest(opts: { tags: number; seconds: number; processors: 'demo' | 'none'; onProgress?: (m: string) => void }): Promise<{ samplesPerSecond: number; storedPerSecond: number; stored: number; offered: number; dropped: number }> {
  const config = scaledDemoConfig(opts.tags, opts.processors === 'none' ? 'none' : undefined);
  const tags = new TagRegistry();
  defineConfiguredTags(config, tags);
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-bench-ingest-'));
  const logger = pino({ level: 'silent' });
  const store = await EdgeStore.open({ dataDir, tags, store: config.store, retention: config.retention, logger });
  const plant = new SyntheticPlant(tags.size, Date.now() - opts.seconds * 1000 - 60_000);
  const pipeline = createPipeline({ config, tags });
  const queue = new IngestQueue(config.pipeline.maxQueuedSamples);
  let stored = 0;
  const writer = new SampleWriter({ queue, sink: store, logger, onStored: (b) => (stored += b.length) });
  writer.start();

  const stepSeconds = Math.max(1, Math.floor(100_000 / tags.size));
  let offered = 0;
  const start = performance.now();
  for (let s = 0; s < opts.seconds; s += stepSeconds) {
    const batch = plant.next(Math.min(stepSeconds, opts.seconds - s));
    offered += batch.length;
    queue.push(pipeline.process(batch));
    while (queue.size > 1_000_000) await new Promise((r) => setTimeout(r, 1));
    if (s % (stepSeconds * 20) === 0) {
      await new Promise((r) => setImmediate(r));
      opts.onProgress?.(`ingest (${opts.processors}): ${offered.toLocaleString()} samples offered, ${stored.toLocaleString()} stored`);
    }
  }
  await writer.drain();
  const elapsed = (performance.now() - start) / 1000;
  const dropped = queue.stats().dropped;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { samplesPerSecond: offered / elapsed, storedPerSecond: stored / elapsed, stored, offered, dropped };
}

export async function ingestMetrics(tags: number, seconds: number, onProgress?: (m: string) => void): Promise<Record<string, Metric>> {
  const raw = await benchIngest({ tags, seconds, processors: 'none', ...(onProgress ? { onProgress } : {}) });
  const demo = await benchIngest({ tags, seconds, processors: 'demo', ...(onProgress ? { onProgress } : {}) });
  return {
    'ingest.every_sample_stored': { value: Math.round(raw.samplesPerSecond), unit: 'samples/s', target: '>= 1000000' },
    'ingest.demo_processors': { value: Math.round(demo.samplesPerSecond), unit: 'samples/s', target: '>= 1000000' },
    'ingest.demo_processors_kept': { value: Number((demo.stored / demo.offered).toFixed(3)), unit: 'ratio', target: 'informational (deadband, swinging door)' },
    'ingest.dropped': { value: raw.dropped + demo.dropped, unit: 'samples', target: '0' },
  };
}
