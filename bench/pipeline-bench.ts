import { SampleBatchBuilder, TagRegistry, type SampleBatch } from '../src/core/index.js';
import { parseSiteConfig } from '../src/config/index.js';
import { createPipeline } from '../src/pipeline/index.js';

const T0 = Date.UTC(2024, 2, 1);
const BATCH = 1000;

/**
 * Samples/s through the default chain (guard → late-data → scale → range →
 * rate-of-change → deadband → swinging-door) with demo-like bindings: every tag
 * scaled and deadbanded, every second one range-checked, every fourth
 * swinging-door compressed, every eighth rate-of-change checked. Values are
 * noisy sines sampled every 100 ms, so deadband and door both do real work.
 */
export async function benchPipeline(opts: { tags: number; samples: number }): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const { config, tags } = site(opts.tags);
  const batches = series(opts.tags, opts.samples);
  const last = batches[batches.length - 1];
  const now = (last ? last.ts[last.length - 1]! : T0) + 1000;

  // Warm up on a throw-away pipeline so the JIT has compiled the loops.
  const warm = createPipeline({ config, tags, now: () => now });
  for (const b of batches.slice(0, Math.min(50, batches.length))) warm.process(b);

  const pipeline = createPipeline({ config, tags, now: () => now });
  let out = 0;
  const start = process.hrtime.bigint();
  for (const b of batches) out += pipeline.process(b).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const total = batches.reduce((s, b) => s + b.length, 0);
  await Promise.resolve();
  return {
    'pipeline.throughput': { value: Math.round(total / seconds), unit: 'samples/s', target: '>= 1000000' },
    'pipeline.ns_per_sample': { value: Math.round((seconds * 1e9) / total), unit: 'ns', target: '<= 1000' },
    'pipeline.kept_ratio': { value: Number((out / total).toFixed(3)), unit: 'ratio', target: 'informational (deadband + swinging door)' },
  };
}

function site(n: number) {
  const bindings = Array.from({ length: n }, (_, i) => ({
    id: `line1.m${i}.value`,
    asset: 'acme/p1/packaging/line1/filler',
    address: `sim:${i}`,
    low: 0,
    high: 100,
    scale: { factor: 1.5, offset: 2 },
    deadband: { absolute: 0.5, maxInterval: '1m' },
    ...(i % 2 === 0 ? { range: { low: -50, high: 150, action: 'flag' } } : {}),
    ...(i % 4 === 0 ? { swingingDoor: { deviation: 0.4, maxInterval: '10m' } } : {}),
    ...(i % 8 === 0 ? { rateOfChange: { maxPerSecond: 1000 } } : {}),
  }));
  const config = parseSiteConfig({ site: { id: 'p1', name: 'Bench', enterprise: 'acme' }, devices: [{ id: 'dev1', protocol: 'sim', tags: bindings }] });
  const tags = new TagRegistry();
  for (const b of config.devices[0]!.tags) {
    tags.define({ id: b.id, assetPath: b.asset, point: 'value', dataType: 'number', unit: '', description: '', low: 0, high: 100, retentionClass: 'standard', source: 'dev1', writable: false });
  }
  return { config, tags };
}

/** Round-robin over tags, one scan every 100 ms, in batches of BATCH samples, like a poller. */
function series(tagCount: number, samples: number): SampleBatch[] {
  const out: SampleBatch[] = [];
  let b = new SampleBatchBuilder(BATCH);
  let seed = 42;
  for (let k = 0; k < samples; k++) {
    const tag = k % tagCount;
    const scan = Math.floor(k / tagCount);
    const ts = T0 + scan * 100;
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    const noise = (seed / 0xffffffff - 0.5) * 0.6;
    b.push(tag, ts, 50 + 30 * Math.sin(scan / 200 + tag) + noise, 192, ts + 3);
    if (b.length === BATCH) {
      out.push(b.build());
      b = new SampleBatchBuilder(BATCH);
    }
  }
  if (b.length > 0) out.push(b.build());
  return out;
}
