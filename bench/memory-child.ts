import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startEdgeNode } from '../src/node/edge-node.js';
import { scaledDemoConfig } from './ingest-bench.js';
import { SyntheticPlant } from './synthetic-plant.js';

// A whole edge node (store, pipeline, API) fed at a fixed rate; prints peak RSS as JSON.
const rate = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 30);
const tagCount = Number(process.argv[4] ?? 10_000);

const base = scaledDemoConfig(tagCount);
const config = { ...base, devices: base.devices.map((d) => ({ ...d, enabled: false })) };
const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-bench-mem-'));
const node = await startEdgeNode({ config, dataDir, port: 0, logger: pino({ level: 'silent' }) });
const ids = node.tags.all().map((t) => t.id);
const plant = new SyntheticPlant(ids.length, Date.now() - seconds * 1000);
let peak = 0;
let fed = 0;
const started = performance.now();
// Every 100 ms, `steps` samples of every tag, spread evenly over those 100 ms of plant time.
const steps = Math.max(1, Math.round(rate / 10 / ids.length));
while (performance.now() - started < seconds * 1000) {
  const tickStart = performance.now();
  const batch = plant.next(steps, 100 / steps);
  fed += batch.length;
  node.queue.push(node.pipeline.process(batch));
  peak = Math.max(peak, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tickStart))));
}
const elapsed = (performance.now() - started) / 1000;
await node.stop();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ peakRssMb: peak / 2 ** 20, achievedRate: fed / elapsed, dropped: node.queue.stats().dropped })}\n`);
