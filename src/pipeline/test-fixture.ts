import { TagRegistry, batchFromSamples, sampleAt, type Sample, type SampleBatch } from '../core/index.js';
import { parseSiteConfig, type SiteConfig } from '../config/index.js';
import type { ProcessorContext } from './processor-context.js';
import { StageStats } from './stage-stats.js';
import { TagBindings } from './tag-bindings.js';

/** 2024-03-01T00:00:00Z: a fixed, valid "now" for tests. */
export const T0 = Date.UTC(2024, 2, 1);

/**
 * A validated site config with the given tag bindings on one device, and a
 * registry holding those tags in order (index = position). Not part of the
 * public door; shared by the tests beside it.
 */
export function siteFixture(bindings: Record<string, unknown>[], extra: Record<string, unknown> = {}): { config: SiteConfig; tags: TagRegistry } {
  const config = parseSiteConfig({
    site: { id: 'p1', name: 'Plant 1', enterprise: 'acme' },
    devices: [{
      id: 'dev1', protocol: 'sim',
      tags: bindings.map((b) => ({ asset: 'acme/p1/packaging/line1/filler', address: 'sim:x', ...b })),
    }],
    ...extra,
  });
  const tags = new TagRegistry();
  for (const b of config.devices[0]!.tags) {
    tags.define({
      id: b.id, assetPath: b.asset, point: b.point ?? b.id.split('.').pop()!, dataType: b.type, unit: b.unit,
      description: b.description, low: b.low, high: b.high, retentionClass: 'standard', source: 'dev1', writable: false,
    });
  }
  return { config, tags };
}

export function contextFor(f: { config: SiteConfig; tags: TagRegistry }, name = 'stage', now = () => T0): ProcessorContext {
  return {
    tags: f.tags, bindings: new TagBindings(f.tags, f.config.devices), pipeline: f.config.pipeline,
    now, stats: new StageStats(name),
  };
}

/** Samples from [tag, ts, value, quality?] rows; quality defaults to Good (192). */
export function batch(rows: readonly (readonly [number, number, number | string, number?])[]): SampleBatch {
  return batchFromSamples(rows.map(([tag, ts, value, quality]): Sample => ({ tag, ts, value, quality: quality ?? 192, arrival: ts + 5 })));
}

/** Rows [tag, ts, value, quality] of a batch, for readable assertions. */
export function rows(b: SampleBatch | null): [number, number, number | string, number][] {
  if (!b) return [];
  const out: [number, number, number | string, number][] = [];
  for (let i = 0; i < b.length; i++) {
    const s = sampleAt(b, i);
    out.push([s.tag, s.ts, s.value as number | string, s.quality]);
  }
  return out;
}
