import { createEvent, Quality, type FabrikEvent, type Sample, type SampleBatch, type TagRegistry } from '../core/index.js';
import type { AlarmDefinition, AlarmsConfig, Priority } from './alarm-config.js';
import { alarmCondition } from './alarm-condition.js';
import { AlarmState, type AlarmChange, type AlarmTransition } from './alarm-state.js';
import { AlarmError, AlarmErrorCode } from './errors.js';
import { FloodCounter, type AreaAlarmRate } from './flood-counter.js';

/** An asset as suppression needs it: which tag says its state, and how its values read. */
export interface MachineAsset {
  path: string;
  stateTag?: string;
  stateMap?: Record<string, string>;
}

/** An alarm as the API lists it (the dashboard's Alarm). */
export interface AlarmView {
  id: string;
  tag: string;
  assetPath: string;
  type: string;
  priority: Priority;
  active: boolean;
  acknowledged: boolean;
  shelvedUntil?: number;
  suppressed: boolean;
  since: number;
  value: number | boolean | null;
  limit?: number;
  message: string;
  state: string;
}

/** Which alarms a list shows. */
export type AlarmFilter = 'active' | 'unacked' | 'shelved' | 'suppressed' | 'all' | 'configured';

interface Watch {
  alarms: AlarmState[];
  prevTs: number;
  prevValue: number;
}

const EVENT_PREFIX = 'alarm.';

/**
 * Every configured alarm of a node: evaluates each sample of an alarm's
 * tag, suppresses the alarms of a machine that is down (by design), runs the
 * operator actions, and reports every transition as an `alarm.<transition>`
 * event — the journal. On start the state is rebuilt from those events.
 */
export class AlarmBoard {
  readonly alarms = new Map<string, AlarmState>();
  /** Samples checked against alarms since start. */
  evaluated = 0;
  private byTag: (Watch | undefined)[] = [];
  /** State tag index → the alarms it suppresses and its asset's state map. */
  private readonly stateTags = new Map<number, { alarms: AlarmState[]; map: Record<string, string> }>();
  private readonly setpoints = new Map<number, number>();
  private readonly floods: FloodCounter;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly opts: {
      definitions: readonly AlarmDefinition[];
      config: Pick<AlarmsConfig, 'maxShelve' | 'floodThreshold'>;
      tags: TagRegistry;
      assets: readonly MachineAsset[];
      emit: (e: FabrikEvent) => void;
      latest?: (tagIndex: number) => Sample | undefined;
      now?: () => number;
    },
  ) {
    this.now = opts.now ?? Date.now;
    this.floods = new FloodCounter(opts.config.floodThreshold);
    for (const d of opts.definitions) this.alarms.set(d.id, new AlarmState(d));
    for (const def of opts.tags.all()) this.bind(opts.tags.index(def.id)!, def.id);
    this.unsubscribe = opts.tags.onDefine((index, def) => this.bind(index, def.id));
  }

  /** Checks every sample of an alarm's tag (and of state and setpoint tags) in a batch (the pipeline's output, before the store). */
  process(batch: SampleBatch): void {
    const byTag = this.byTag;
    for (let i = 0; i < batch.length; i++) {
      const t = batch.tag[i]!;
      const value = batch.value[i]!;
      const ts = batch.ts[i]!;
      if (this.stateTags.size > 0) {
        const st = this.stateTags.get(t);
        if (st) this.machineState(st, value, ts);
      }
      if (this.setpoints.size > 0 && this.setpoints.has(t) && Number.isFinite(value)) this.setpoints.set(t, value);
      const w = t < byTag.length ? byTag[t] : undefined;
      if (w === undefined) continue;
      // A bad sample says nothing about the process: alarms hold their state (the quality has its own diagnostics).
      if (!Number.isFinite(value) || batch.quality[i]! < Quality.Uncertain) continue;
      this.evaluated++;
      const dt = ts - w.prevTs;
      for (const a of w.alarms) {
        const d = a.def;
        const ctx: { rate?: number; setpoint?: number } = {};
        if (d.type === 'rate' && dt > 0) ctx.rate = ((value - w.prevValue) / dt) * d.per!;
        if (d.type === 'deviation') {
          const sp = d.setpoint ?? this.setpointOf(d.setpointTag!);
          if (sp !== undefined) ctx.setpoint = sp;
        }
        const change = a.observe(alarmCondition(d, value, ctx), value, ts);
        if (change) this.report(a, change);
      }
      w.prevTs = ts;
      w.prevValue = value;
    }
  }

  /** Runs out on/off delays and shelving at `now`. */
  tick(now: number = this.now()): void {
    for (const a of this.alarms.values()) for (const change of a.tick(now)) this.report(a, change);
  }

  acknowledge(id: string, actor: string, comment: string): AlarmView {
    const a = this.get(id);
    this.report(a, a.acknowledge(actor, comment, this.now()));
    return this.view(a);
  }

  shelve(id: string, actor: string, comment: string, minutes: number): AlarmView {
    const a = this.get(id);
    const ms = minutes * 60_000;
    if (!(ms > 0) || ms > this.opts.config.maxShelve) {
      throw new AlarmError(AlarmErrorCode.ShelveTooLong, `shelve for more than 0 and at most ${this.opts.config.maxShelve / 60_000} minutes (alarms.maxShelve), got ${minutes}`);
    }
    const now = this.now();
    this.report(a, a.shelve(actor, comment, now + ms, now));
    return this.view(a);
  }

  unshelve(id: string, actor: string, comment: string): AlarmView {
    const a = this.get(id);
    this.report(a, a.unshelve(actor, comment, this.now()));
    return this.view(a);
  }

  list(filter: AlarmFilter): AlarmView[] {
    const out: AlarmView[] = [];
    for (const a of this.alarms.values()) {
      const hidden = a.shelvedUntil !== undefined || a.suppressed;
      const keep =
        filter === 'configured' ||
        (filter === 'all' && (a.state !== 'normal' || a.shelvedUntil !== undefined)) ||
        (filter === 'active' && a.active && !hidden) ||
        (filter === 'unacked' && !a.acknowledged && !hidden) ||
        (filter === 'shelved' && a.shelvedUntil !== undefined) ||
        (filter === 'suppressed' && a.suppressed);
      if (keep) out.push(this.view(a));
    }
    return out;
  }

  /** Alarm rates per operator area against the ISA-18.2 flood threshold. */
  rates(): AreaAlarmRate[] {
    return this.floods.rates(this.now());
  }

  /** Rebuilds acknowledgement, activity and shelving from stored `alarm.*` events, oldest first. */
  restore(events: readonly FabrikEvent[]): void {
    for (const e of events) {
      const a = this.alarms.get(String(e.payload['alarm']));
      if (!a || !e.kind.startsWith(EVENT_PREFIX)) continue;
      a.replay(e.kind.slice(EVENT_PREFIX.length) as AlarmTransition, e.ts, e.payload);
      if (e.kind === 'alarm.active') this.floods.record(e.assetPath, e.ts);
    }
  }

  stop(): void {
    this.unsubscribe();
  }

  private get(id: string): AlarmState {
    const a = this.alarms.get(id);
    if (!a) throw new AlarmError(AlarmErrorCode.NotFound, `no alarm "${id}"; list them with GET /api/v1/alarms?state=configured`);
    return a;
  }

  private setpointOf(tag: string): number | undefined {
    const i = this.opts.tags.index(tag);
    if (i === undefined) return undefined;
    const v = this.setpoints.get(i);
    if (v !== undefined) return v;
    const s = this.opts.latest?.(i);
    return typeof s?.value === 'number' ? s.value : undefined;
  }

  private machineState(st: { alarms: AlarmState[]; map: Record<string, string> }, value: number, ts: number): void {
    const state = st.map[String(value)];
    for (const a of st.alarms) {
      const change = a.suppress(state !== undefined && a.def.suppressWhen.includes(state), ts);
      if (change) this.report(a, change);
    }
  }

  /** Attaches the alarms of a tag once it is defined (tags of inference appear at run time). */
  private bind(index: number, id: string): void {
    const mine = [...this.alarms.values()].filter((a) => a.def.tag === id);
    if (mine.length > 0) {
      while (this.byTag.length <= index) this.byTag.push(undefined);
      this.byTag[index] = { alarms: mine, prevTs: Number.NaN, prevValue: Number.NaN };
      const asset = this.machineOf(this.opts.tags.get(index)!.assetPath);
      const stateIndex = asset?.stateTag !== undefined ? this.opts.tags.index(asset.stateTag) : undefined;
      if (asset && stateIndex !== undefined) {
        const st = this.stateTags.get(stateIndex) ?? { alarms: [], map: asset.stateMap ?? {} };
        st.alarms.push(...mine);
        this.stateTags.set(stateIndex, st);
        const s = this.opts.latest?.(stateIndex);
        if (typeof s?.value === 'number') this.machineState({ alarms: mine, map: st.map }, s.value, s.ts);
      }
    }
    for (const a of this.alarms.values()) if (a.def.setpointTag === id) this.setpoints.set(index, Number.NaN);
  }

  /** The asset with a state tag nearest to a path (the path itself, then its parents). */
  private machineOf(path: string): MachineAsset | undefined {
    for (let p = path; p.length > 0; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      const a = this.opts.assets.find((x) => x.path === p && x.stateTag !== undefined);
      if (a) return a;
      if (!p.includes('/')) break;
    }
    return undefined;
  }

  private report(a: AlarmState, change: AlarmChange): void {
    if (change.transition === 'active') this.floods.record(this.assetOf(a), change.ts);
    const v = this.view(a);
    const d = a.def;
    const what = change.transition === 'active' ? v.message : `${v.message}: ${change.transition}${change.actor && change.actor !== 'system' ? ` by ${change.actor}` : ''}${change.comment ? ` ("${change.comment}")` : ''}`;
    this.opts.emit(
      createEvent({
        kind: `${EVENT_PREFIX}${change.transition}`,
        ts: change.ts,
        assetPath: v.assetPath,
        severity: change.transition === 'active' ? d.priority : 'info',
        tag: d.tag,
        message: what,
        payload: {
          alarm: d.id,
          type: d.type,
          priority: d.priority,
          value: Number.isFinite(a.value) ? a.value : null,
          ...(d.limit !== undefined ? { limit: d.limit } : {}),
          ...(change.actor ? { actor: change.actor } : {}),
          ...(change.comment !== undefined ? { comment: change.comment } : {}),
          ...(change.until !== undefined ? { until: change.until } : {}),
          state: { active: a.active, acknowledged: a.acknowledged, shelvedUntil: a.shelvedUntil ?? null, suppressed: a.suppressed },
        },
      }),
    );
  }

  private assetOf(a: AlarmState): string {
    const i = this.opts.tags.index(a.def.tag);
    return (i !== undefined ? this.opts.tags.get(i)?.assetPath : undefined) ?? '';
  }

  private view(a: AlarmState): AlarmView {
    const d = a.def;
    const i = this.opts.tags.index(d.tag);
    const tag = i !== undefined ? this.opts.tags.get(i) : undefined;
    const boolean = tag?.dataType === 'boolean';
    const value = Number.isFinite(a.value) ? (boolean ? a.value !== 0 : a.value) : null;
    return {
      id: d.id,
      tag: d.tag,
      assetPath: tag?.assetPath ?? '',
      type: d.type,
      priority: d.priority,
      active: a.active,
      acknowledged: a.acknowledged,
      ...(a.shelvedUntil !== undefined ? { shelvedUntil: a.shelvedUntil } : {}),
      suppressed: a.suppressed,
      since: a.since,
      value,
      ...(d.limit !== undefined ? { limit: d.limit } : {}),
      message: d.message ?? describe(d, tag?.description ?? d.tag, tag?.unit ?? ''),
      state: a.state,
    };
  }
}

const WORDS: Record<AlarmDefinition['type'], string> = { hihi: 'very high (HIHI)', hi: 'high (HI)', lo: 'low (LO)', lolo: 'very low (LOLO)', deviation: 'off its setpoint', rate: 'changing too fast', discrete: 'in alarm state' };

function describe(d: AlarmDefinition, what: string, unit: string): string {
  const u = unit ? ` ${unit}` : '';
  switch (d.type) {
    case 'hihi':
    case 'hi':
      return `${what} ${WORDS[d.type]}: above ${d.limit}${u}`;
    case 'lo':
    case 'lolo':
      return `${what} ${WORDS[d.type]}: below ${d.limit}${u}`;
    case 'deviation':
      return `${what} ${WORDS[d.type]} by more than ${d.limit}${u}`;
    case 'rate':
      return `${what} ${WORDS[d.type]}: more than ${d.limit}${u} per ${d.per! / 1000} s`;
    case 'discrete':
      return `${what} ${WORDS[d.type]} (${d.values!.join(', ')})`;
  }
}
