import { readFile } from 'node:fs/promises';
import { parseSiteConfig } from '../src/config/index.js';
import { SampleBatchBuilder, TagRegistry, type FabrikEvent } from '../src/core/index.js';
import { simulateStoredSamples, SIM_EPOCH } from '../src/hub/training/index.js';
import { imageToTensor, loadOnnxModel, OnlineDetectors, readVerdict, resolveModelPath, TagModelRunner, type ImageInput } from '../src/inference/index.js';
import { BottleCamera, demoSiteConfig, type FaultSpec } from '../src/sim/index.js';
import type { Metric } from './metric.js';

const MIN = 60_000;

/** The injected faults of one run: kind, signal, magnitude, at known sim minutes. */
export const FAULT_PLAN: { at: number; spec: FaultSpec }[] = [
  { at: 20, spec: { address: 'line1.filler.bowl_pressure', kind: 'step', offset: 0.08, durationMs: 4 * MIN } },
  { at: 28, spec: { address: 'utilities.compressor1.motor_current', kind: 'drift', ratePerMinute: 3, durationMs: 4 * MIN } },
  { at: 36, spec: { address: 'cnc1.lathe.spindle_load', kind: 'spike', magnitude: 20 } },
  { at: 44, spec: { address: 'line1.filler.motor_current', kind: 'stuck', durationMs: 4 * MIN } },
  { at: 52, spec: { address: 'cnc1.lathe.spindle_load', kind: 'step', offset: 6, durationMs: 4 * MIN } },
];

/** After the fault ends, an event still counts as a detection for this long (a detector needs samples to decide). */
const GRACE_MS = 2 * MIN;

/**
 * Stream quality on seeds never used for training or tuning: the demo's
 * detectors and PCA model over the simulated plant (through the demo
 * pipeline, in sim time) with faults at known onsets. Recall = faults with an
 * anomaly event naming the faulted tag between onset and end + 2 min;
 * precision = such events / all anomaly events after warm-up; delay = first
 * matching event − onset.
 */
export async function streamQuality(opts: { seeds: number[]; minutes: number; progress: (m: string) => void; onEvent?: (e: FabrikEvent, seed: number) => void }): Promise<Record<string, Metric>> {
  const config = parseSiteConfig(demoSiteConfig({ lines: 1 }));
  const pcaBytes = await readFile(resolveModelPath('models/lathe-pca.onnx'));
  let faults = 0;
  let skipped = 0;
  let detected = 0;
  let events = 0;
  let matched = 0;
  const delays: number[] = [];
  const byKind: Record<string, { faults: number; detected: number }> = {};
  for (const seed of opts.seeds) {
    const tags = new TagRegistry();
    const seen: FabrikEvent[] = [];
    const detectors = new OnlineDetectors({ detectors: config.inference.detectors, tags, emit: (e) => seen.push(e) });
    const runner = new TagModelRunner({ name: 'lathe-pca', tags, emitEvent: (e) => seen.push(e), emitSamples: () => {} });
    const plan = FAULT_PLAN.filter((f) => f.at < opts.minutes - 4).map((f) => ({ ...f.spec, start: SIM_EPOCH + f.at * MIN }) as FaultSpec);
    let attached = false;
    // The state of the faulted machine at each onset: a fault on a stopped machine cannot be seen by detectors that pause while it stands.
    const stateAt = new Map<number, number>();
    const stateTag = (address: string): string => `${address.split('.').slice(0, 2).join('.')}.state`;
    await simulateStoredSamples({
      seed,
      minutes: opts.minutes,
      config,
      tags,
      faults: plan,
      onBatch: async (batch, plant) => {
        if (!attached) {
          // The registry knows the tags now: the model can resolve its inputs.
          await runner.swap({ version: 'v1', model: await loadOnnxModel(pcaBytes) }, null);
          attached = true;
        }
        for (const [k, f] of plan.entries()) if (!stateAt.has(k) && plant.time >= f.start!) stateAt.set(k, plant.read(stateTag(f.address)));
        detectors.process(batch, new SampleBatchBuilder(16));
        runner.process(batch);
        runner.tick(plant.time);
        await runner.settled();
      },
      onProgress: (m) => {
        if (m % 10 === 0) opts.progress(`inference-quality: seed ${seed}, sim minute ${m}/${opts.minutes}`);
      },
    });
    await runner.close();
    detectors.close();
    const warm = SIM_EPOCH + FAULT_PLAN[0]!.at * MIN;
    const anomalies = seen.filter((e) => e.kind === 'anomaly' && e.ts >= warm);
    for (const e of seen) opts.onEvent?.(e, seed);
    events += anomalies.length;
    const windows = plan.map((f) => ({ f, end: (f.start ?? 0) + (f.durationMs ?? 1000) + GRACE_MS }));
    for (const e of anomalies) {
      const named = (e.payload['tags'] as string[] | undefined) ?? [];
      if (windows.some((w) => named.includes(w.f.address) && e.ts >= w.f.start! && e.ts <= w.end)) matched++;
    }
    for (const [k, w] of windows.entries()) {
      const state = stateAt.get(k);
      // Running: 2; the compressor runs loaded (2) or unloaded (1).
      if (!(state === 2 || (state === 1 && w.f.address.startsWith('utilities.compressor1')))) {
        skipped++;
        continue;
      }
      faults++;
      const kind = (byKind[w.f.kind] ??= { faults: 0, detected: 0 });
      kind.faults++;
      const hit = anomalies.find((e) => ((e.payload['tags'] as string[] | undefined) ?? []).includes(w.f.address) && e.ts >= w.f.start! && e.ts <= w.end);
      if (hit) {
        detected++;
        kind.detected++;
        delays.push((hit.ts - w.f.start!) / 1000);
      }
    }
  }
  const mean = delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : Number.NaN;
  const out: Record<string, Metric> = {
    'inference.stream_recall': { value: round(detected / Math.max(1, faults)), unit: `of ${faults} faults (${skipped} more hit a stopped machine)`, target: 'report (unseen seeds)' },
    'inference.stream_precision': { value: round(matched / Math.max(1, events)), unit: `of ${events} events`, target: 'report' },
    'inference.stream_detection_delay_mean': { value: round(mean), unit: 's', target: 'report' },
    'inference.stream_detection_delay_max': { value: round(Math.max(0, ...delays)), unit: 's', target: 'report' },
  };
  for (const [kind, k] of Object.entries(byKind)) out[`inference.stream_recall_${kind}`] = { value: round(k.detected / k.faults), unit: `of ${k.faults}`, target: 'report' };
  return out;
}

/**
 * Vision quality of the shipped model on simulator pictures from a seed never
 * used in training (training used seed 1): half good, half spread over the
 * four defects.
 */
export async function visionQuality(opts: { seed: number; count: number; progress: (m: string) => void }): Promise<Record<string, Metric>> {
  const model = await loadOnnxModel(await readFile(resolveModelPath('models/bottle-inspector.onnx')));
  const camera = new BottleCamera({ seed: opts.seed });
  let defects = 0;
  let caught = 0;
  let good = 0;
  let falseRejects = 0;
  let rightClass = 0;
  for (let i = 0; i < opts.count; i++) {
    const label = i % 2 === 0 ? 'ok' : (['scratch', 'missing_cap', 'underfill', 'contamination'] as const)[((i - 1) / 2) % 4]!;
    const shot = camera.image(i, label);
    const v = readVerdict(model.manifest, await model.run(imageToTensor(shot, model.manifest.input as ImageInput).data));
    if (label === 'ok') {
      good++;
      if (v.verdict === 'reject') falseRejects++;
    } else {
      defects++;
      if (v.verdict === 'reject') caught++;
      if (v.defect === label) rightClass++;
    }
    if (i % 200 === 0) opts.progress(`inference-quality: vision ${i}/${opts.count}`);
  }
  await model.close();
  return {
    'inference.vision_defect_recall': { value: round(caught / defects), unit: `of ${defects} defective`, target: '≥ 0.99' },
    'inference.vision_false_reject_rate': { value: round(falseRejects / good), unit: `of ${good} good`, target: '≤ 0.01' },
    'inference.vision_defect_class_accuracy': { value: round(rightClass / defects), unit: `of ${defects} defective`, target: 'report' },
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
