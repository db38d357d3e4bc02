import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Quality, SampleBatchBuilder, TagRegistry, type SampleBatch } from '../src/core/index.js';
import { OnnxGraph } from '../src/hub/training/index.js';
import { decodeImage, detectorSchema, imageToTensor, loadOnnxModel, ModelHost, ModelStore, OnlineDetectors, readVerdict, resolveModelPath, type ImageInput } from '../src/inference/index.js';
import { BottleCamera, encodeRgbPng, Prng } from '../src/sim/index.js';
import type { Metric } from './metric.js';

/**
 * Per picture as a camera station does it (PNG decode → area resize →
 * normalise → ONNX run → verdict), one after the other on one core, on the
 * shipped bottle model; and the model run alone.
 */
export async function benchImages(opts: { images: number; progress: (m: string) => void }): Promise<Record<string, Metric>> {
  const model = await loadOnnxModel(await readFile(resolveModelPath('models/bottle-inspector.onnx')));
  const camera = new BottleCamera({ seed: 777, defectRate: 0.5 });
  const pngs = Array.from({ length: Math.min(opts.images, 200) }, () => {
    const shot = camera.capture();
    return encodeRgbPng(shot.rgb, shot.width, shot.height);
  });
  const input = model.manifest.input as ImageInput;
  const inspect = async (png: Buffer): Promise<void> => {
    const img = decodeImage(png, { maxBytes: 8e6, maxPixels: 16e6 });
    readVerdict(model.manifest, await model.run(imageToTensor(img, input).data));
  };
  for (let i = 0; i < 30; i++) await inspect(pngs[i % pngs.length]!);
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < opts.images; i++) {
    const s = performance.now();
    await inspect(pngs[i % pngs.length]!);
    lat.push(performance.now() - s);
    if (i % 200 === 0) opts.progress(`inference: image ${i}/${opts.images}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const tensor = imageToTensor(decodeImage(pngs[0]!, { maxBytes: 8e6, maxPixels: 16e6 }), input).data;
  const runLat: number[] = [];
  for (let i = 0; i < opts.images; i++) {
    const s = performance.now();
    await model.run(tensor);
    runLat.push(performance.now() - s);
  }
  await model.close();
  return {
    'inference.image_per_s': { value: Math.round(opts.images / seconds), unit: 'images/s', target: '>= 100 (decode + resize + model, one core)' },
    'inference.image_latency_p50': { value: round(pct(lat, 0.5)), unit: 'ms', target: 'report' },
    'inference.image_latency_p99': { value: round(pct(lat, 0.99)), unit: 'ms', target: '<= 50' },
    'inference.image_model_only_p99': { value: round(pct(runLat, 0.99)), unit: 'ms', target: 'report' },
  };
}

/** Samples/s through 1,000 robust z detectors (one per tag), scores and events included. */
export async function benchDetectors(opts: { detectors: number; samples: number }): Promise<Record<string, Metric>> {
  const tags = new TagRegistry();
  const ids = Array.from({ length: opts.detectors }, (_, i) => `bench.t${i}`);
  for (const id of ids) tags.define({ id, assetPath: 'acme/bench', point: id, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'bench', writable: false });
  let events = 0;
  const detectors = new OnlineDetectors({ detectors: [detectorSchema.parse({ type: 'robust-z', name: 'bench', tags: ids, warmup: 30 })], tags, emit: () => events++ });
  const rng = new Prng(5);
  const batches: SampleBatch[] = [];
  const perBatch = 10_000;
  for (let b = 0; b * perBatch < opts.samples; b++) {
    const builder = new SampleBatchBuilder(perBatch);
    for (let k = 0; k < perBatch; k++) {
      const n = b * perBatch + k;
      const tag = n % opts.detectors;
      // Occasional spikes keep the event path honest.
      builder.push(tag, 1_700_000_000_000 + Math.floor(n / opts.detectors) * 1000, 20 + rng.normal(0, 1) + (rng.chance(0.0005) ? 12 : 0), Quality.Good);
    }
    batches.push(builder.build());
  }
  const out = new SampleBatchBuilder(perBatch);
  // The first tenth warms the detectors and the JIT.
  const warm = Math.ceil(batches.length / 10);
  for (const b of batches.slice(0, warm)) {
    detectors.process(b, out);
    out.clear();
  }
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (const b of batches.slice(warm)) {
    detectors.process(b, out);
    out.clear();
    n += b.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  detectors.close();
  await Promise.resolve();
  return {
    'inference.detectors_1000_throughput': { value: Math.round(n / seconds), unit: 'samples/s', target: '>= 1000000' },
    'inference.detectors_events': { value: events, unit: 'events', target: 'informational' },
  };
}

/**
 * A tags model scoring a 50 ms window in real time while the active version
 * is switched back and forth through the model store (each switch loads and
 * validates the version from disk). The largest gap between scored windows
 * must stay within one window.
 */
export async function benchHotSwap(opts: { seconds: number; progress: (m: string) => void }): Promise<Record<string, Metric>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fabrik-swap-'));
  const windowMs = 50;
  try {
    const tags = new TagRegistry();
    const a = tags.define({ id: 'swap.a', assetPath: 'acme/bench', point: 'a', dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'bench', writable: false });
    const scored: number[] = [];
    const store = await ModelStore.open(dir);
    const host = new ModelHost({ store, tags, emitEvent: () => {}, emitSamples: (b) => scored.push(...b.ts), assetPath: 'acme/bench' });
    const versions: string[] = [];
    for (const scale of [1, 2]) versions.push((await host.register({ bytes: scaleModel(scale, windowMs), source: 'bench' }, versions.length === 0 ? 'active' : 'staged', 'bench')).version);
    const t0 = Date.now();
    let swaps = 0;
    const feed = setInterval(() => {
      const now = Date.now();
      const b = new SampleBatchBuilder(1);
      b.push(a, now, Math.sin(now / 1000), Quality.Good);
      host.process(b.build());
      host.tick(now);
    }, 10);
    while (Date.now() - t0 < opts.seconds * 1000) {
      await new Promise((r) => setTimeout(r, 97));
      await host.activate('swap-probe', versions[++swaps % 2]!, 'bench');
      if (swaps % 10 === 0) opts.progress(`inference: hot swap ${swaps}`);
    }
    clearInterval(feed);
    await host.close();
    const ts = [...new Set(scored)].sort((x, y) => x - y).filter((t) => t > t0 + 500);
    let gap = 0;
    for (let i = 1; i < ts.length; i++) gap = Math.max(gap, ts[i]! - ts[i - 1]!);
    return {
      'inference.hot_swap_switches': { value: swaps, unit: 'switches', target: 'informational' },
      'inference.hot_swap_max_scoring_gap': { value: gap, unit: 'ms', target: `<= ${windowMs} (one window)` },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** score = scale × a, over 50 ms windows. */
function scaleModel(scale: number, windowMs: number): Uint8Array {
  const g = new OnnxGraph('swap');
  const x = g.input('x', [1, 1]);
  g.op('Reshape', [g.op('Mul', [x, g.constant('k', [1], [scale])]), g.int64s('shape', [1])], {}, 'score');
  g.output('score', [1]);
  g.metadata('fabrik.manifest', JSON.stringify({ name: 'swap-probe', description: `×${scale}`, input: { type: 'tags', tags: ['swap.a'], window: windowMs }, outputs: [{ name: 'score', kind: 'score', threshold: 10 }] }));
  return g.toBytes();
}

function pct(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
