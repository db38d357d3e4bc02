import { createEvent, isGood, Quality, SampleBatchBuilder, type ComponentHealth, type FabrikEvent, type SampleBatch, type TagRegistry } from '../core/index.js';
import { AnomalyTracker } from './anomaly-tracker.js';
import { errorMessage } from './errors.js';
import type { TagsInput } from './model-manifest.js';
import type { ModelOutputs, OnnxModel } from './onnx-model.js';
import { RowWindow } from './row-window.js';
import { scoreTagDefinition } from './score-tags.js';

/** A loaded version and whether it runs for real or in shadow. */
export interface LoadedVersion {
  version: string;
  model: OnnxModel;
}

/** Consecutive failed runs (throws or NaN) before a model version is marked failed and stopped. */
const MAX_FAILURES = 3;

interface Slot {
  loaded: LoadedVersion;
  shadow: boolean;
  input: TagsInput;
  window: RowWindow;
  /** Tag index → feature position. */
  features: Map<number, number>;
  /** The manifest's `when` tag (−1: none) and its newest value. */
  gateTag: number;
  gateValue: number;
  /** When the gate tag last changed value. */
  gateSince: number;
  gated: number;
  /** Score outputs → tag index (−1: not stored). */
  scoreTags: Map<string, number>;
  tracker: AnomalyTracker | null;
  /** The run loop while a run is in flight. */
  inflight: Promise<void> | null;
  pending: { end: number; input: Float32Array; row: Float32Array } | null;
  failures: number;
  lastError: string | null;
  failed: string | null;
  runs: number;
  skipped: number;
  lastRunAt: number;
  lastScore: number;
}

/**
 * Runs the active (and shadow) version of one tags model: rows per window
 * from the stored samples, one inference per closed window (or on the
 * manifest's schedule), scores stored as tags, an `anomaly` event naming the
 * contributing tags when the primary score crosses its threshold. Shadow
 * scores go to "<model>.shadow.<output>" and never raise events. A version
 * that throws or returns NaN three times in a row is marked failed; nothing
 * else stops.
 */
export class TagModelRunner {
  readonly name: string;
  readonly #tags: TagRegistry;
  readonly #emitEvent: (e: FabrikEvent) => void;
  readonly #emitSamples: (b: SampleBatch) => void;
  #active: Slot | null = null;
  #shadow: Slot | null = null;
  #since = Date.now();

  constructor(opts: { name: string; tags: TagRegistry; emitEvent: (e: FabrikEvent) => void; emitSamples: (b: SampleBatch) => void }) {
    this.name = opts.name;
    this.#tags = opts.tags;
    this.#emitEvent = opts.emitEvent;
    this.#emitSamples = opts.emitSamples;
  }

  get active(): LoadedVersion | null {
    return this.#active?.loaded ?? null;
  }

  get shadow(): LoadedVersion | null {
    return this.#shadow?.loaded ?? null;
  }

  /**
   * Swaps in new versions in one step: the next window is scored by the new
   * active version, which inherits the rows collected so far, so scoring has
   * no gap. Old versions are closed once their in-flight run is done.
   */
  async swap(active: LoadedVersion | null, shadow: LoadedVersion | null): Promise<void> {
    const old = [this.#active, this.#shadow];
    this.#active = active ? this.#slot(active, false, this.#active ?? this.#shadow) : null;
    this.#shadow = shadow ? this.#slot(shadow, true, this.#active ?? old[0] ?? null) : null;
    this.#since = Date.now();
    const keep = new Set([active?.model, shadow?.model]);
    await Promise.all(
      old.map(async (slot) => {
        if (!slot || keep.has(slot.loaded.model)) return;
        await slot.inflight;
        await slot.loaded.model.close();
      }),
    );
  }

  process(batch: SampleBatch): void {
    for (const slot of [this.#active, this.#shadow]) {
      if (!slot || slot.failed) continue;
      for (let i = 0; i < batch.length; i++) {
        if (batch.tag[i] === slot.gateTag && batch.value[i] !== slot.gateValue) {
          slot.gateValue = batch.value[i]!;
          slot.gateSince = batch.ts[i]!;
        }
        const j = slot.features.get(batch.tag[i]!);
        if (j === undefined) continue;
        const v = batch.value[i]!;
        if (!Number.isFinite(v) || (!isGood(batch.quality[i]!) && batch.quality[i]! < Quality.Uncertain)) continue;
        slot.window.add(j, batch.ts[i]!, v, (end) => this.#ready(slot, end));
      }
    }
  }

  /** Closes windows by the clock (inputs that did not change still give rows) and runs scheduled models. */
  tick(now: number): void {
    for (const slot of [this.#active, this.#shadow]) {
      if (!slot || slot.failed) continue;
      slot.window.closeUntil(now - slot.window.periodMs, (end) => this.#ready(slot, end));
      const every = slot.loaded.model.manifest.run.every;
      if (every !== undefined && now - slot.lastRunAt >= every) {
        slot.lastRunAt = now;
        this.#enqueue(slot, now);
      }
    }
  }

  health(): ComponentHealth {
    const a = this.#active;
    const details = {
      active: a ? { version: a.loaded.version, runs: a.runs, gated: a.gated, skipped: a.skipped + a.window.skipped, lastScore: Number.isFinite(a.lastScore) ? a.lastScore : null, failed: a.failed } : null,
      shadow: this.#shadow ? { version: this.#shadow.loaded.version, runs: this.#shadow.runs, failed: this.#shadow.failed } : null,
    };
    if (!a && !this.#shadow) return { state: 'degraded', since: this.#since, message: 'no active version; activate one with POST /api/v1/models/:name/activate', details };
    if (a?.failed) return { state: 'down', since: this.#since, message: `version ${a.loaded.version} failed and was stopped: ${a.failed}; register a fixed version or roll back`, details };
    if (a?.lastError) return { state: 'degraded', since: this.#since, message: `last run failed (${a.failures} in a row): ${a.lastError}`, details };
    if (this.#shadow?.failed) return { state: 'degraded', since: this.#since, message: `shadow version ${this.#shadow.loaded.version} failed: ${this.#shadow.failed}`, details };
    return { state: 'up', since: this.#since, details };
  }

  /** Waits for in-flight runs, then closes the models. */
  async close(): Promise<void> {
    await this.swap(null, null);
  }

  #slot(loaded: LoadedVersion, shadow: boolean, previous: Slot | null): Slot {
    const m = loaded.model.manifest;
    const input = m.input as TagsInput;
    const features = new Map<number, number>();
    input.tags.forEach((id, j) => {
      const index = this.#tags.index(id);
      if (index !== undefined) features.set(index, j);
    });
    const first = this.#tags.get(this.#tags.index(input.tags[0]!) ?? -1);
    const about = { assetPath: first?.assetPath ?? m.name, retentionClass: first?.retentionClass ?? 'standard' };
    const scoreTags = new Map<string, number>();
    for (const o of m.outputs) {
      if (o.kind !== 'score' && o.kind !== 'label') continue;
      const id = shadow ? `${m.name}.shadow.${o.name}` : `${m.name}.${o.name}`;
      scoreTags.set(o.name, o.tag ? this.#tags.define(scoreTagDefinition(about, id, `${o.name} of model ${m.name}${shadow ? ' (shadow)' : ''}${o.threshold !== undefined ? `; anomalous above ${o.threshold}` : ''}`)) : -1);
    }
    const primary = m.outputs.find((o) => o.kind === 'score' && o.threshold !== undefined);
    const window = new RowWindow(input.tags.length, input.window, input.length);
    const gateTag = input.when ? (this.#tags.index(input.when.tag) ?? -1) : -1;
    if (previous) window.inherit(previous.window);
    const slot: Slot = {
      loaded,
      shadow,
      input,
      window,
      features,
      gateTag,
      gateValue: previous && previous.gateTag === gateTag ? previous.gateValue : Number.NaN,
      gateSince: previous && previous.gateTag === gateTag ? previous.gateSince : Number.NEGATIVE_INFINITY,
      gated: 0,
      scoreTags,
      tracker: primary && !shadow ? new AnomalyTracker({ threshold: primary.threshold!, confirm: primary.confirm, clearBelow: 0.8 * primary.threshold!, clearAfter: 3 }) : null,
      inflight: null,
      pending: null,
      failures: 0,
      lastError: null,
      failed: null,
      runs: 0,
      skipped: 0,
      lastRunAt: 0,
      lastScore: Number.NaN,
    };
    if (previous?.tracker?.active && slot.tracker) Object.assign(slot.tracker, { active: true, since: previous.tracker.since, peak: previous.tracker.peak });
    return slot;
  }

  #ready(slot: Slot, end: number): void {
    if (slot.loaded.model.manifest.run.every !== undefined) return;
    const when = slot.input.when;
    if (when && (!when.in.includes(slot.gateValue) || end - slot.gateSince < when.settle)) {
      slot.gated++;
      return;
    }
    this.#enqueue(slot, end);
  }

  /** Resolves once the runs in flight are done (replays and tests step in sim time with it). */
  async settled(): Promise<void> {
    await this.#active?.inflight;
    await this.#shadow?.inflight;
  }

  #enqueue(slot: Slot, end: number): void {
    const job = { end, input: this.#normalise(slot, slot.window.input()), row: slot.window.lastRow() };
    if (slot.inflight) {
      // One run at a time per version: a newer window replaces a waiting one (counted as skipped).
      if (slot.pending) slot.skipped++;
      slot.pending = job;
      return;
    }
    slot.inflight = this.#drain(slot, job).finally(() => {
      slot.inflight = null;
    });
  }

  async #drain(slot: Slot, job: NonNullable<Slot['pending']>): Promise<void> {
    let next: Slot['pending'] = job;
    while (next && !slot.failed) {
      const current = next;
      slot.pending = null;
      try {
        const outputs = await slot.loaded.model.run(current.input);
        this.#handle(slot, current.end, current.row, outputs);
        slot.failures = 0;
        slot.lastError = null;
      } catch (err) {
        slot.lastError = errorMessage(err);
        if (++slot.failures >= MAX_FAILURES) slot.failed = slot.lastError;
      }
      slot.runs++;
      next = slot.pending;
    }
  }

  #normalise(slot: Slot, input: Float32Array): Float32Array {
    const n = slot.input.normalize;
    if (!n) return input;
    const f = slot.input.tags.length;
    for (let i = 0; i < input.length; i++) input[i] = (input[i]! - n.mean[i % f]!) / n.std[i % f]!;
    return input;
  }

  #handle(slot: Slot, ts: number, row: Float32Array, outputs: ModelOutputs): void {
    const m = slot.loaded.model.manifest;
    const out = new SampleBatchBuilder(slot.scoreTags.size);
    const scores: Record<string, number> = {};
    for (const o of m.outputs) {
      if (o.kind !== 'score' && o.kind !== 'label') continue;
      const v = outputs[o.name]![0]!;
      if (!Number.isFinite(v)) throw new Error(`output "${o.name}" is ${v} (MODEL_OUTPUT_NAN); the model is not fit for these inputs`);
      scores[o.name] = v;
      const tag = slot.scoreTags.get(o.name)!;
      if (tag >= 0) out.push(tag, ts, v, Quality.Good);
    }
    if (out.length > 0) this.#emitSamples(out.build());
    const primary = m.outputs.find((o) => o.kind === 'score' && o.threshold !== undefined);
    if (!primary) return;
    slot.lastScore = scores[primary.name]!;
    if (!slot.tracker) return;
    const change = slot.tracker.observe(slot.lastScore, ts);
    if (change === null) return;
    const first = this.#tags.get(this.#tags.index(slot.input.tags[0]!) ?? -1);
    const assetPath = first?.assetPath ?? m.name;
    if (change === 'cleared') {
      this.#emitEvent(createEvent({ kind: 'anomaly.cleared', ts, assetPath, severity: 'info', message: `model ${m.name}: back to normal (peak score ${round(slot.tracker.peak)})`, payload: { state: 'cleared', model: m.name, version: slot.loaded.version, peak: slot.tracker.peak, durationMs: ts - slot.tracker.since, tags: slot.input.tags } }));
      return;
    }
    const named = contributingTags(slot.input.tags, m.outputs.find((o) => o.kind === 'contributions') ? outputs[m.outputs.find((o) => o.kind === 'contributions')!.name]! : null);
    const values = Object.fromEntries(slot.input.tags.map((t, j) => [t, row[j]!]));
    this.#emitEvent(
      createEvent({
        kind: 'anomaly',
        ts,
        assetPath,
        severity: m.severity,
        tag: named.tags[0] ?? slot.input.tags[0]!,
        message: `model ${m.name} ${slot.loaded.version}: ${primary.name} ${round(slot.lastScore)} above ${round(primary.threshold!)}${named.tags.length ? `, driven by ${named.tags.join(', ')}` : ''}`,
        payload: { state: 'active', model: m.name, version: slot.loaded.version, score: slot.lastScore, threshold: primary.threshold, scores, tags: named.tags, contributions: named.shares, values },
      }),
    );
  }
}

/** Tags carrying at least 10% of the total contribution, largest first (at most 5); all tags when there are no contributions. */
export function contributingTags(tags: readonly string[], contributions: Float32Array | null): { tags: string[]; shares: Record<string, number> } {
  if (!contributions) return { tags: [...tags], shares: {} };
  const total = contributions.reduce((s, v) => s + Math.abs(v), 0);
  if (!(total > 0)) return { tags: [...tags], shares: {} };
  const ranked = tags.map((t, j) => ({ t, share: Math.abs(contributions[j] ?? 0) / total })).sort((a, b) => b.share - a.share);
  const named = ranked.filter((r) => r.share >= 0.1).slice(0, 5);
  return { tags: named.map((r) => r.t), shares: Object.fromEntries(ranked.map((r) => [r.t, round(r.share)])) };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
