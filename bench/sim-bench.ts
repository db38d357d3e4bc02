/**
 * Simulator throughput: how fast a ~10,000-signal plant runs in sim time, and
 * how fast the sim sources turn it into batches. Run after `npm run build`:
 * `node dist/bench/sim-bench.js [lines]`.
 */
import { TagRegistry } from '../src/core/index.js';
import { parseSiteConfig } from '../src/config/index.js';
import { createSimSource } from '../src/adapters/sim/index.js';
import { createPlant, demoSiteConfig } from '../src/sim/index.js';

export async function simBench(lines = 526, simSeconds = 60): Promise<Record<string, number>> {
  const cfg = parseSiteConfig(demoSiteConfig({ lines }));
  const tags = new TagRegistry();
  for (const d of cfg.devices) {
    for (const t of d.tags) {
      tags.define({ id: t.id, assetPath: t.asset, point: t.point ?? t.id, dataType: t.type, unit: t.unit, description: t.description, retentionClass: t.retention ?? cfg.retention.defaultClass, source: d.id, writable: t.writable });
    }
  }

  const plant = createPlant({ lines });
  let t0 = performance.now();
  plant.step(simSeconds * 1000);
  const stepMs = performance.now() - t0;

  // All devices at their 1 s interval, pulled in lock step: one sim second per round.
  const sources = cfg.devices.filter((d) => d.interval === 1000).map((device) => createSimSource({ device, tags, plant, realtime: false }));
  const iterators = sources.map((s) => s.batches()[Symbol.asyncIterator]());
  let samples = 0;
  t0 = performance.now();
  for (let s = 0; s < simSeconds; s++) {
    for (const it of iterators) samples += (await it.next()).value?.length ?? 0;
  }
  const sourceMs = performance.now() - t0;
  await Promise.all(sources.map((s) => s.close()));

  return {
    signals: plant.signals().length,
    simSeconds,
    stepMs: Math.round(stepMs),
    realtimeFactor: Math.round((simSeconds * 1000) / stepMs),
    samples,
    samplesPerSecond: Math.round(samples / (sourceMs / 1000)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await simBench(Number(process.argv[2] ?? 526)));
}
