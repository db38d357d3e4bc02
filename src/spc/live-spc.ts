import { createHash } from 'node:crypto';
import { createEvent, Quality, type FabrikEvent, type SampleBatch, type TagRegistry } from '../core/index.js';
import type { ChartLimits } from './chart-limits.js';
import type { PointEvent } from './characteristic-evaluator.js';
import { CharacteristicRunner, type CharacteristicStatus, type RunnerSink } from './characteristic-runner.js';
import type { Characteristic } from './characteristic-schema.js';
import { storedLimitsSchema } from './stored-limits.js';
import type { PointViolation } from './point-violations.js';
import type { Subgroup } from './subgrouper.js';

/** A stored sample as the SPC replays it. */
export interface StoredSample {
  ts: number;
  tag: string;
  value: number;
  /** Text value (a part or batch id). */
  text?: string;
}

/** What the live SPC reads back from the store on start and for charts. */
export interface SpcHistory {
  /** Events of one kind, newest first. */
  events(filter: { kind: string; limit: number }): Promise<FabrikEvent[]>;
  /** Good and uncertain samples (numbers, or text) of the tags in [from, to), oldest first, at most `limit` (the newest ones when `newest`). */
  samples(tags: readonly string[], range: { from?: number; to?: number; limit: number; newest?: boolean }): Promise<StoredSample[]>;
}

interface Feed {
  runner: CharacteristicRunner;
  role: 'measure' | 'count' | 'size' | 'part';
}

/** Event kinds the live SPC writes. */
export const SPC_EVENT = {
  violation: 'spc.violation',
  established: 'spc.limits.established',
  changed: 'spc.limits.changed',
  incomplete: 'spc.subgroup.incomplete',
} as const;

/** Samples replayed per point on start so run rules continue where they were. */
const WARM_POINTS = 16;
const MAX_WARM_SAMPLES = 20_000;

/**
 * The characteristics of a site evaluated live: every sample of a
 * characteristic's tag goes through its evaluator in the order it arrives;
 * violations, limits fixed by a phase I study and incomplete subgroups become
 * events. On start, limits are restored from the newest limits event of the
 * same definition and the last points are replayed (silently), so a restart
 * neither restarts phase I nor forgets a run in progress.
 */
export class LiveSpc {
  readonly runners = new Map<string, CharacteristicRunner>();
  /** Samples evaluated since start. */
  evaluated = 0;
  private byTag: (Feed[] | undefined)[] = [];
  private readonly digests = new Map<string, string>();
  private readonly touched: CharacteristicRunner[] = [];
  private readonly unsubscribe: () => void;
  private readonly sink: RunnerSink;

  constructor(private readonly opts: { characteristics: readonly Characteristic[]; tags: TagRegistry; emit: (e: FabrikEvent) => void; siteAsset: string }) {
    this.sink = {
      violation: (r, p, v) => this.onViolation(r, p, v),
      limits: (r, l, n) => this.onLimits(r, l, n),
      incomplete: (r, g) => this.onIncomplete(r, g),
    };
    for (const c of opts.characteristics) {
      const runner = new CharacteristicRunner(c, this.sink);
      this.runners.set(c.id, runner);
      this.digests.set(c.id, definitionDigest(c));
      for (const [id, role] of feedsOf(c)) {
        const index = opts.tags.index(id);
        if (index !== undefined) this.attach(index, { runner, role });
      }
    }
    this.unsubscribe = opts.tags.onDefine((index, def) => {
      for (const runner of this.runners.values()) for (const [id, role] of feedsOf(runner.c)) if (id === def.id) this.attach(index, { runner, role });
    });
  }

  /** Evaluates every sample of a characteristic's tags in a batch (the pipeline's output, before the store). Bad-quality samples carry no measurement and are skipped. */
  process(batch: SampleBatch): void {
    const byTag = this.byTag;
    const touched = this.touched;
    for (let i = 0; i < batch.length; i++) {
      const t = batch.tag[i]!;
      const feeds = t < byTag.length ? byTag[t] : undefined;
      if (feeds === undefined) continue;
      const value = batch.value[i]!;
      if (batch.quality[i]! < Quality.Uncertain) continue;
      if (!Number.isFinite(value)) {
        const text = batch.text?.[i];
        if (text != null) for (const f of feeds) if (f.role === 'part') f.runner.partId = text;
        continue;
      }
      const ts = batch.ts[i]!;
      for (const f of feeds) {
        this.evaluated++;
        if (f.role === 'measure') f.runner.measure(ts, value);
        else if (f.role === 'part') f.runner.partId = String(value);
        else {
          if (f.role === 'count') f.runner.counters!.countReading(value);
          else f.runner.counters!.sizeReading(value, ts);
          if (!touched.includes(f.runner)) touched.push(f.runner);
        }
      }
    }
    if (touched.length > 0) {
      for (const r of touched) r.release();
      touched.length = 0;
    }
  }

  /** Closes subgroups that timed out by `now`. */
  tick(now: number): void {
    for (const r of this.runners.values()) r.tick(now);
  }

  /** The definition digest limits events carry: limits apply only to the characteristic they were computed for. */
  digest(id: string): string | undefined {
    return this.digests.get(id);
  }

  /** Sets a characteristic's limits by an engineer's decision and records it (an audited event). */
  changeLimits(id: string, limits: ChartLimits, change: { actor: string; reason: string; comment?: string; range?: { from: number; to: number } }): FabrikEvent {
    const r = this.runners.get(id)!;
    const previous = r.limits;
    r.adopt(limits);
    const event = createEvent({
      kind: SPC_EVENT.changed,
      assetPath: this.assetOf(r),
      severity: 'info',
      ...(r.c.tag ? { tag: r.c.tag } : {}),
      message: `${r.c.name}: control limits changed by ${change.actor} (${change.reason}): CL ${fmt(limits.center)}, UCL ${fmt(limits.ucl)}, LCL ${fmt(limits.lcl)}`,
      payload: {
        characteristic: id,
        actor: change.actor,
        reason: change.reason,
        ...(change.comment ? { comment: change.comment } : {}),
        ...(change.range ? { range: change.range } : {}),
        limits,
        ...(previous ? { previous } : {}),
        definition: this.digests.get(id),
      },
    });
    this.opts.emit(event);
    return event;
  }

  /**
   * Restores limits and the last violation from stored events, then replays
   * each characteristic's recent samples without reporting old violations.
   */
  async restore(history: SpcHistory): Promise<void> {
    const [changed, established, violations] = await Promise.all([
      history.events({ kind: SPC_EVENT.changed, limit: 1000 }),
      history.events({ kind: SPC_EVENT.established, limit: 1000 }),
      history.events({ kind: SPC_EVENT.violation, limit: 1000 }),
    ]);
    const limitsEvents = [...changed, ...established].sort((a, b) => b.ts - a.ts);
    for (const [id, r] of this.runners) {
      const e = limitsEvents.find((x) => x.payload['characteristic'] === id && x.payload['definition'] === this.digests.get(id));
      const parsed = e ? storedLimitsSchema.safeParse(e.payload['limits']) : undefined;
      if (parsed?.success && parsed.data.chart === r.c.chart) r.adopt(parsed.data);
      const v = violations.find((x) => x.payload['characteristic'] === id);
      const rule = (v?.payload['rules'] as { rule?: unknown }[] | undefined)?.[0]?.rule;
      if (v) r.lastViolation = { ts: v.ts, rule: typeof rule === 'string' ? rule : '', message: v.message };
    }
    for (const r of this.runners.values()) await this.warmUp(r, history);
  }

  private async warmUp(r: CharacteristicRunner, history: SpcHistory): Promise<void> {
    const feeds = feedsOf(r.c);
    const n = Math.max(1, r.c.subgroup.size);
    const points = r.limits ? WARM_POINTS : (r.c.baseline.mode === 'phase1' ? r.c.baseline.subgroups : 0) + WARM_POINTS;
    const limit = Math.min(MAX_WARM_SAMPLES, points * n * (r.counters ? 2 : 1));
    const samples = await history.samples(
      feeds.map(([id]) => id),
      { limit, newest: true },
    );
    r.muted = true;
    try {
      let at = Number.NaN;
      for (const s of samples) {
        if (r.counters && s.ts !== at) r.release();
        at = s.ts;
        const role = feeds.find(([id]) => id === s.tag)?.[1];
        if (role === 'part') r.partId = s.text ?? String(s.value);
        else if (role === 'measure') r.measure(s.ts, s.value);
        else if (role === 'count') r.counters!.countReading(s.value);
        else if (role === 'size') r.counters!.sizeReading(s.value, s.ts);
      }
      r.release();
    } finally {
      r.muted = false;
    }
  }

  /** Characteristic states for the API. */
  statuses(): { id: string; status: CharacteristicStatus; lastViolation?: { ts: number; rule: string; message: string } }[] {
    return [...this.runners.values()].map((r) => ({
      id: r.c.id,
      status: r.c.tag && this.opts.tags.has(r.c.tag) ? r.status() : 'insufficient-data',
      ...(r.lastViolation ? { lastViolation: r.lastViolation } : {}),
    }));
  }

  /** Asset of a characteristic: its tag's asset, or the site for inspections. */
  assetOf(r: CharacteristicRunner): string {
    const i = r.c.tag ? this.opts.tags.index(r.c.tag) : undefined;
    return (i !== undefined ? this.opts.tags.get(i)?.assetPath : undefined) ?? this.opts.siteAsset;
  }

  stop(): void {
    this.unsubscribe();
  }

  private attach(index: number, feed: Feed): void {
    while (this.byTag.length <= index) this.byTag.push(undefined);
    const list = (this.byTag[index] ??= []);
    if (!list.some((f) => f.runner === feed.runner && f.role === feed.role)) list.push(feed);
  }

  private onViolation(r: CharacteristicRunner, p: PointEvent, violations: PointViolation[]): void {
    const first = violations[0]!;
    const more = violations.length > 1 ? ` (+${violations.length - 1} more)` : '';
    this.opts.emit(
      createEvent({
        kind: SPC_EVENT.violation,
        ts: p.ts,
        assetPath: this.assetOf(r),
        severity: 'medium',
        ...(r.c.tag ? { tag: r.c.tag } : {}),
        message: `${r.c.name}: ${first.message}${more}`,
        payload: {
          characteristic: r.c.id,
          name: r.c.name,
          chart: r.c.chart,
          point: { ts: p.ts, value: p.value, ...(p.center !== undefined ? { center: p.center, ucl: p.ucl, lcl: p.lcl } : {}) },
          rules: violations,
        },
      }),
    );
  }

  private onLimits(r: CharacteristicRunner, limits: ChartLimits, baselineViolations: number): void {
    this.opts.emit(
      createEvent({
        kind: SPC_EVENT.established,
        assetPath: this.assetOf(r),
        severity: 'info',
        ...(r.c.tag ? { tag: r.c.tag } : {}),
        message: `${r.c.name}: phase I limits fixed from ${r.c.baseline.mode === 'phase1' ? r.c.baseline.subgroups : ''} points: CL ${fmt(limits.center)}, UCL ${fmt(limits.ucl)}, LCL ${fmt(limits.lcl)}${baselineViolations ? `; ${baselineViolations} rule violations inside the baseline — review it` : ''}`,
        payload: { characteristic: r.c.id, limits, baselineViolations, definition: this.digests.get(r.c.id) },
      }),
    );
  }

  private onIncomplete(r: CharacteristicRunner, g: Subgroup): void {
    this.opts.emit(
      createEvent({
        kind: SPC_EVENT.incomplete,
        ts: g.end,
        assetPath: this.assetOf(r),
        severity: 'info',
        ...(r.c.tag ? { tag: r.c.tag } : {}),
        message: `${r.c.name}: subgroup closed with ${g.values.length} of ${r.c.subgroup.size} values (${g.reason ?? 'short'}); not plotted`,
        payload: { characteristic: r.c.id, values: g.values, start: g.start, end: g.end, reason: g.reason ?? null },
      }),
    );
  }
}

/** Which tags feed a characteristic, and as what. */
export function feedsOf(c: Characteristic): [string, Feed['role']][] {
  if (!c.tag) return [];
  if (c.sizeTag) return [[c.tag, 'count'], [c.sizeTag, 'size']];
  return c.partTag ? [[c.partTag, 'part'], [c.tag, 'measure']] : [[c.tag, 'measure']];
}

/** Digest of what the limits depend on; editing any of it in the config starts a new baseline. */
export function definitionDigest(c: Characteristic): string {
  const { chart, tag, sizeTag, partTag, subgroup, baseline, ewma, cusum } = c;
  return createHash('sha256').update(JSON.stringify({ chart, tag, sizeTag, partTag, subgroup, baseline, ewma, cusum })).digest('hex').slice(0, 16);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(5);
}
