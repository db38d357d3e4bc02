import { createEvent, isGood, Quality, type ComponentHealth, type FabrikEvent, type SampleBatch, type SampleBatchBuilder, type TagDefinition, type TagRegistry } from '../core/index.js';
import { AnomalyTracker } from './anomaly-tracker.js';
import type { DetectorConfig } from './inference-config.js';
import { RobustZBank } from './robust-z-detector.js';
import { SeasonalBank, timeBin, valueBin } from './seasonal-detector.js';
import { INFERENCE_SOURCE, scoreTagDefinition } from './score-tags.js';

/** One tag under one online detector. */
interface Instance {
  config: DetectorConfig;
  state: DetectorState;
  tag: TagDefinition;
  scoreTag: number;
  slot: number;
  tracker: AnomalyTracker;
  gateTag: number;
  gateValues: Set<number> | null;
  phaseTag: number;
  gated: boolean;
  lastScore: number;
  lastTs: number;
  lastValue: number;
}

interface DetectorState {
  config: DetectorConfig;
  instances: Instance[];
  /** Tag ids still waiting to be defined (a typo, or a derived tag not made yet). */
  pending: Set<string>;
  failed: string | null;
  since: number;
  scores: number;
  events: number;
}

/** A live view of one scored tag, for the API. */
export interface LiveScore {
  detector: string;
  type: DetectorConfig['type'];
  tag: string;
  scoreTag: string;
  score: number | null;
  ts: number | null;
  threshold: number;
  active: boolean;
  since: number | null;
  gated: boolean;
}

/**
 * The training-free detectors of the site config (robust z with an EWMA
 * baseline, seasonal baselines), run on every stored batch. Each tag's score
 * becomes a sample of "<tag>.anomaly_score"; crossing the threshold raises an
 * `anomaly` event naming the tag, and falling back clears it. A detector that
 * throws is marked failed and skipped; the others go on.
 */
export class OnlineDetectors {
  readonly #tags: TagRegistry;
  readonly #emit: (event: FabrikEvent) => void;
  readonly #robust = new RobustZBank();
  readonly #seasonal = new SeasonalBank();
  readonly #detectors: DetectorState[] = [];
  /** Tag index → instances fed by it. */
  #byTag: (Instance[] | undefined)[] = [];
  /** Latest value of every gate and phase tag, by tag index. */
  #context = new Map<number, number>();
  /** When each context tag last changed value (for `when.settle`). */
  #changedAt = new Map<number, number>();
  #waiting: number[] = [];
  readonly #unsubscribe: () => void;

  constructor(opts: { detectors: readonly DetectorConfig[]; tags: TagRegistry; emit: (event: FabrikEvent) => void }) {
    this.#tags = opts.tags;
    this.#emit = opts.emit;
    const now = Date.now();
    for (const config of opts.detectors) {
      const state: DetectorState = { config, instances: [], pending: new Set(config.tags), failed: null, since: now, scores: 0, events: 0 };
      this.#detectors.push(state);
      for (const id of config.tags) {
        const index = this.#tags.index(id);
        if (index !== undefined) this.#attach(state, index);
      }
    }
    this.#unsubscribe = this.#tags.onDefine((index, def) => {
      for (const d of this.#detectors) {
        if (!d.pending.has(def.id)) continue;
        if (d.config.tags.includes(def.id)) this.#attach(d, index);
        else {
          d.pending.delete(def.id);
          this.#resolveContext(d);
        }
      }
    });
  }

  get size(): number {
    return this.#detectors.reduce((n, d) => n + d.instances.length, 0);
  }

  /** Scores every sample of a detector's tags in `batch`; score samples go to `out`. */
  process(batch: SampleBatch, out: SampleBatchBuilder): void {
    const byTag = this.#byTag;
    const context = this.#context;
    // A device poll puts the state, the phase and the value at one timestamp; score a value only after
    // every context sample of its timestamp is in, or a tool change would read the old tool's wear.
    const waiting = this.#waiting;
    let at = Number.NaN;
    for (let i = 0; i < batch.length; i++) {
      const ts = batch.ts[i]!;
      if (ts !== at) {
        this.#flush(batch, waiting, out);
        at = ts;
      }
      const tag = batch.tag[i]!;
      if (context.has(tag)) this.#setContext(tag, ts, batch.value[i]!);
      const list = tag < byTag.length ? byTag[tag] : undefined;
      if (!list) continue;
      const value = batch.value[i]!;
      // Bad samples carry no information about the process; uncertain ones (out of range) are exactly what we look for.
      if (!Number.isFinite(value) || (!isGood(batch.quality[i]!) && batch.quality[i]! < Quality.Uncertain)) continue;
      waiting.push(i);
    }
    this.#flush(batch, waiting, out);
  }

  #flush(batch: SampleBatch, waiting: number[], out: SampleBatchBuilder): void {
    for (const i of waiting) for (const inst of this.#byTag[batch.tag[i]!]!) this.#score(inst, batch.ts[i]!, batch.value[i]!, out);
    waiting.length = 0;
  }

  #setContext(tag: number, ts: number, value: number): void {
    if (this.#context.get(tag) !== value) this.#changedAt.set(tag, ts);
    this.#context.set(tag, value);
  }

  #score(inst: Instance, ts: number, value: number, out: SampleBatchBuilder): void {
    const state = inst.state;
    if (state.failed) return;
    try {
      const gated = inst.gateValues !== null && (!inst.gateValues.has(this.#context.get(inst.gateTag) ?? Number.NaN) || ts - (this.#changedAt.get(inst.gateTag) ?? -Infinity) < inst.config.when!.settle);
      if (gated) {
        if (!inst.gated && inst.config.type === 'robust-z') this.#robust.pause(inst.slot, ts);
        inst.gated = true;
        if (inst.tracker.active) this.#clear(state, inst, ts, 'gated');
        return;
      }
      if (inst.gated && inst.config.type === 'robust-z') this.#robust.pause(inst.slot, ts);
      inst.gated = false;
      const score = this.#update(inst, ts, value);
      inst.lastValue = value;
      if (Number.isNaN(score)) return;
      inst.lastScore = score;
      inst.lastTs = ts;
      state.scores++;
      out.push(inst.scoreTag, ts, score, Quality.Good);
      const change = inst.tracker.observe(score, ts);
      if (change === 'onset') this.#onset(state, inst, ts, value, score);
      else if (change === 'cleared') this.#clear(state, inst, ts, 'returned');
    } catch (err) {
      state.failed = `${inst.tag.id}: ${(err as Error).message}`;
      state.since = Date.now();
    }
  }

  #update(inst: Instance, ts: number, value: number): number {
    const c = inst.config;
    if (c.type === 'robust-z') return this.#robust.update(inst.slot, ts, value);
    const bin = c.phaseTag !== undefined ? valueBin(this.#context.get(inst.phaseTag) ?? Number.NaN, c.phaseRange![0], c.phaseRange![1], c.bins) : timeBin(ts, c.period!, c.bins, c.offset);
    if (!Number.isFinite(bin)) return Number.NaN;
    return this.#seasonal.update(inst.slot, bin, value);
  }

  #baseline(inst: Instance): number {
    return inst.config.type === 'robust-z' ? this.#robust.baseline(inst.slot) : this.#seasonal.baseline(inst.slot);
  }

  #onset(state: DetectorState, inst: Instance, ts: number, value: number, score: number): void {
    const c = inst.config;
    const reason = c.type === 'robust-z' ? this.#robust.reason(inst.slot) : 'seasonal';
    const baseline = this.#baseline(inst);
    const what = reason === 'stuck' ? 'has not changed for far longer than usual' : `is ${value} against a baseline of ${round(baseline)}`;
    state.events++;
    this.#emit(
      createEvent({
        kind: 'anomaly',
        ts,
        assetPath: inst.tag.assetPath,
        severity: score > 2 * c.threshold && c.severity !== 'critical' ? bump(c.severity) : c.severity,
        tag: inst.tag.id,
        message: `${inst.tag.id} ${what} (score ${round(score)} above ${c.threshold}, detector ${c.name})`,
        payload: { state: 'active', detector: c.name, type: c.type, reason, score, threshold: c.threshold, value, baseline, tags: [inst.tag.id], scoreTag: this.#tags.get(inst.scoreTag)!.id },
      }),
    );
  }

  #clear(state: DetectorState, inst: Instance, ts: number, why: 'returned' | 'gated'): void {
    const c = inst.config;
    inst.tracker.reset();
    state.events++;
    this.#emit(
      createEvent({
        kind: 'anomaly.cleared',
        ts,
        assetPath: inst.tag.assetPath,
        severity: 'info',
        tag: inst.tag.id,
        message: why === 'gated' ? `${inst.tag.id}: anomaly ended because the detector paused (${c.when?.tag} left ${c.when?.in.join('/')})` : `${inst.tag.id} is back to normal (peak score ${round(inst.tracker.peak)}, detector ${c.name})`,
        payload: { state: 'cleared', detector: c.name, type: c.type, peak: inst.tracker.peak, durationMs: ts - inst.tracker.since, tags: [inst.tag.id], why },
      }),
    );
  }

  #attach(state: DetectorState, index: number): void {
    const tag = this.#tags.get(index)!;
    state.pending.delete(tag.id);
    const c = state.config;
    const scoreId = `${tag.id}.anomaly_score`;
    const clash = this.#tags.index(scoreId);
    if (clash !== undefined && this.#tags.get(clash)!.source !== INFERENCE_SOURCE) {
      state.failed = `tag "${scoreId}" already exists (source ${this.#tags.get(clash)!.source}); rename that tag or drop ${tag.id} from the detector`;
      return;
    }
    const slot =
      c.type === 'robust-z'
        ? this.#robust.add({ halfLifeMs: c.halfLife, warmup: c.warmup, clip: c.clip, minScale: c.minScale, stuck: c.stuck })
        : this.#seasonal.add({ bins: c.bins, halfLifeSamples: c.halfLife, warmup: c.warmup, clip: c.clip, minScale: c.minScale });
    const contextTag = (id: string | undefined): number => {
      if (id === undefined) return -1;
      const i = this.#tags.index(id) ?? -1;
      if (i < 0) state.pending.add(id);
      else if (!this.#context.has(i)) this.#context.set(i, Number.NaN);
      return i;
    };
    const inst: Instance = {
      config: c,
      state,
      tag,
      scoreTag: this.#tags.define(scoreTagDefinition(tag, scoreId, `Anomaly score of ${tag.id} (${c.type}, detector ${c.name}); anomalous above ${c.threshold}`)),
      slot,
      tracker: new AnomalyTracker({ threshold: c.threshold, confirm: c.confirm, clearBelow: c.clearBelow ?? 0.8 * c.threshold, clearAfter: c.clearAfter }),
      gateTag: contextTag(c.when?.tag),
      gateValues: c.when ? new Set(c.when.in) : null,
      phaseTag: c.type === 'seasonal' ? contextTag(c.phaseTag) : -1,
      gated: false,
      lastScore: Number.NaN,
      lastTs: Number.NaN,
      lastValue: Number.NaN,
    };
    state.instances.push(inst);
    if (this.#byTag.length <= index) this.#byTag.length = index + 1;
    (this.#byTag[index] ??= []).push(inst);
  }

  /** A gate or phase tag got defined after the detector's own tags. */
  #resolveContext(d: DetectorState): void {
    const c = d.config;
    for (const inst of d.instances) {
      if (inst.gateTag < 0 && c.when) inst.gateTag = this.#tags.index(c.when.tag) ?? -1;
      if (inst.phaseTag < 0 && c.type === 'seasonal' && c.phaseTag) inst.phaseTag = this.#tags.index(c.phaseTag) ?? -1;
      for (const t of [inst.gateTag, inst.phaseTag]) if (t >= 0 && !this.#context.has(t)) this.#context.set(t, Number.NaN);
    }
  }

  health(): Record<string, ComponentHealth> {
    const out: Record<string, ComponentHealth> = {};
    for (const d of this.#detectors) {
      const details = { tags: d.instances.length, scores: d.scores, events: d.events, active: d.instances.filter((i) => i.tracker.active).map((i) => i.tag.id) };
      if (d.failed) out[`detector.${d.config.name}`] = { state: 'down', since: d.since, message: `failed: ${d.failed}; the other detectors go on`, details };
      else if (d.pending.size > 0) out[`detector.${d.config.name}`] = { state: 'degraded', since: d.since, message: `waiting for tag(s) no device defines: ${[...d.pending].join(', ')}`, details };
      else out[`detector.${d.config.name}`] = { state: 'up', since: d.since, details };
    }
    return out;
  }

  live(): LiveScore[] {
    return this.#detectors.flatMap((d) =>
      d.instances.map((i) => ({
        detector: d.config.name,
        type: d.config.type,
        tag: i.tag.id,
        scoreTag: this.#tags.get(i.scoreTag)!.id,
        score: Number.isFinite(i.lastScore) ? i.lastScore : null,
        ts: Number.isFinite(i.lastTs) ? i.lastTs : null,
        threshold: d.config.threshold,
        active: i.tracker.active,
        since: i.tracker.active ? i.tracker.since : null,
        gated: i.gated,
      })),
    );
  }

  close(): void {
    this.#unsubscribe();
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function bump(s: 'low' | 'medium' | 'high'): 'medium' | 'high' | 'critical' {
  return s === 'low' ? 'medium' : s === 'medium' ? 'high' : 'critical';
}
