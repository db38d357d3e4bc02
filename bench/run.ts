import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestMetrics } from './ingest-bench.js';
import { benchDetectors, benchHotSwap, benchImages } from './inference-bench.js';
import { streamQuality, visionQuality } from './inference-quality.js';
import type { Metric } from './metric.js';
import { benchPipeline } from './pipeline-bench.js';
import { benchStore } from './store-bench.js';
import { benchFabric } from './fabric-bench.js';
import { benchSecurity } from './security-bench.js';
import { benchNodeAlarmLatency, benchSpcLatency, benchSpcThroughput } from './spc-bench.js';
import { benchModbus, benchMqtt } from './protocol-bench.js';
import { benchSync } from './sync-bench.js';
import { benchOpcua } from './opcua-bench.js';

// `npm run bench` — every figure with its target, as a table and as JSON.
// FABRIK_BENCH=quick shrinks every size for a smoke run; the default is the sizes.
const quick = process.env['FABRIK_BENCH'] === 'quick';
const only = process.argv.slice(2);
const progress = (m: string): void => void process.stderr.write(`\r\x1b[K[bench] ${m}`);
const results: Record<string, Metric> = {};
// The store's background timers are unref'd (a node's API keeps it alive); so must a bench.
const keepAlive = setInterval(() => {}, 1000);

async function section(name: string, fn: () => Promise<Record<string, Metric>>): Promise<void> {
  if (only.length > 0 && !only.includes(name)) return;
  const t0 = performance.now();
  progress(`${name}: starting`);
  Object.assign(results, await fn());
  process.stderr.write(`\r\x1b[K[bench] ${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

await section('pipeline', () => benchPipeline({ tags: 10_000, samples: quick ? 500_000 : 5_000_000 }));
await section('ingest', () => ingestMetrics(10_000, quick ? 100 : 1000, progress));
await section('store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-bench-store-'));
  try {
    return await benchStore({ dataDir, tags: 1000, samples: quick ? 2_000_000 : 50_000_000, onProgress: progress });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
await section('memory', async () => {
  const child = fileURLToPath(new URL('./memory-child.js', import.meta.url));
  const seconds = quick ? 10 : 60;
  progress(`memory: a node fed 100,000 samples/s for ${seconds} s`);
  const out = execFileSync(process.execPath, [child, '100000', String(seconds), '10000'], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { peakRssMb: number; achievedRate: number; dropped: number };
  return {
    'memory.node_peak_rss_at_100k_per_s': { value: Math.round(r.peakRssMb), unit: 'MB', target: '< 400' },
    'memory.achieved_rate': { value: Math.round(r.achievedRate), unit: 'samples/s', target: '~100000' },
    'memory.dropped': { value: r.dropped, unit: 'samples', target: '0' },
  };
});
await section('fabric', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-bench-fabric-'));
  try {
    return await benchFabric({ dir, perNode: quick ? 1_000_000 : 20_000_000, onProgress: progress });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

await section('inference', async () => ({
  ...(await benchImages({ images: quick ? 300 : 2000, progress })),
  ...(await benchDetectors({ detectors: 1000, samples: quick ? 2_000_000 : 20_000_000 })),
  ...(await benchHotSwap({ seconds: quick ? 3 : 10, progress })),
}));
// Quality on held-out data: pictures from a seed never used in training (the model was trained on seed 1),
// simulator faults with known onsets on seeds never used for training (PCA: seed 11) or tuning (101+).
await section('inference-quality', async () => ({
  ...(await visionQuality({ seed: 424_242, count: quick ? 400 : 2000, progress })),
  ...(await streamQuality({ seeds: quick ? [101, 102] : [101, 102, 103, 104, 105], minutes: 60, progress })),
}));

await section('security', () => benchSecurity({ quick, onProgress: progress }));
await section('protocols', async () => ({
  ...(await benchModbus({ seconds: quick ? 3 : 20, devices: 100, registers: 100, progress })),
  ...(await benchMqtt({ messages: quick ? 100_000 : 1_000_000, progress })),
}));

await section('spc', async () => ({
  ...benchSpcThroughput({ characteristics: 1000, samples: quick ? 2_000_000 : 20_000_000 }),
  ...(await benchSpcLatency({ seconds: quick ? 3 : 15 })),
  ...(await benchNodeAlarmLatency({ faults: quick ? 5 : 20, progress })),
  ...(await benchNodeAlarmLatency({ faults: quick ? 5 : 20, progress, background: 100_000 })),
}));
await section('sync', () => benchSync({ quick, onProgress: progress }));
await section('opcua', () => benchOpcua({ items: quick ? 2000 : 10_000, seconds: quick ? 5 : 20, onProgress: progress }));

const rows = Object.entries(results).map(([name, m]) => ({ name, value: m.value, unit: m.unit, target: m.target }));
const w = (k: 'name' | 'unit' | 'target') => Math.max(k.length, ...rows.map((r) => r[k].length));
const wv = Math.max(5, ...rows.map((r) => r.value.toLocaleString('en-US').length));
process.stdout.write(`\n${'figure'.padEnd(w('name'))}  ${'value'.padStart(wv)}  ${'unit'.padEnd(w('unit'))}  target\n`);
for (const r of rows) process.stdout.write(`${r.name.padEnd(w('name'))}  ${r.value.toLocaleString('en-US').padStart(wv)}  ${r.unit.padEnd(w('unit'))}  ${r.target}\n`);
process.stdout.write(`\n${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, quick, results }, null, 2)}\n`);
clearInterval(keepAlive);
