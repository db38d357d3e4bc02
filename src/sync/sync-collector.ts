import type { Logger } from 'pino';
import type { Bus, FabrikEvent, SampleBatch, TagRegistry } from '../core/index.js';
import { nameGlob } from './name-glob.js';
import type { Outbox } from './outbox.js';
import type { SyncConfig } from './sync-config.js';
import type { EventItem, HealthItem, RawItem, RollupItem } from './wire.js';

const MINUTE = 60_000;
/** Minutes taken per store query, so a long backfill is many small reads. */
const CHUNK_MINUTES = 60;

export interface CollectorOptions {
  outbox: Outbox;
  config: SyncConfig;
  /** Read-only SQL on the site's store (the `rollups_1m` view). */
  query(sql: string): Promise<{ rows: unknown[][] }>;
  bus: Bus;
  tags: TagRegistry;
  health(): { status: 'ok' | 'degraded' | 'down'; components: Record<string, { state: string; message?: string }> };
  /** Line KPIs over [from, to), when the site has lines configured. */
  lineKpis?(from: number, to: number): Promise<HealthItem['lines']>;
  /** Called after items were appended (the uplink stops idling). */
  appended(): void;
  logger: Logger;
  now?: () => number;
}

/**
 * Puts what the sync policy names into the outbox: closed rollup minutes from
 * the store (resuming from the outbox's mark, so a restart neither skips nor
 * repeats a minute), events and released raw samples from the bus, and health
 * snapshots. It also counts what raw data would have cost, for the reduction
 * ratio. Nothing here is awaited by ingest: bus handlers only push to arrays.
 */
export class SyncCollector {
  readonly #o: CollectorOptions;
  readonly #now: () => number;
  readonly #rollupTag: (id: string) => boolean;
  readonly #eventKind: (kind: string) => boolean;
  readonly #rawTag: (id: string) => boolean;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  #events: EventItem[] = [];
  #raw: RawItem[] = [];
  #lastHealth: number;
  #collecting: Promise<void> | null = null;
  /** Bytes the raw samples of every tag would have taken as JSON items. */
  rawBytes = 0;
  samples = 0;

  constructor(opts: CollectorOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#rollupTag = nameGlob(opts.config.send.rollups);
    this.#eventKind = nameGlob(opts.config.send.events);
    this.#rawTag = nameGlob(opts.config.send.raw);
    this.#lastHealth = this.#now();
  }

  start(): void {
    this.#unsubscribe.push(this.#o.bus.subscribe('events', (e) => this.#onEvent(e)));
    this.#unsubscribe.push(this.#o.bus.subscribe('samples', (b) => this.#onSamples(b)));
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.#o.logger.warn({ err: (err as Error).message }, 'sync collection failed; retrying on the next tick')), ms);
      t.unref();
      this.#timers.push(t);
    };
    // The first collection fixes where a new outbox starts.
    void this.collectRollups().catch((err: unknown) => this.#o.logger.warn({ err: (err as Error).message }, 'sync collection failed; retrying on the next tick'));
    every(200, () => this.flushPending());
    every(this.#o.config.collectEvery, () => this.collectRollups());
    if (this.#o.config.send.health) every(this.#o.config.healthEvery, () => this.snapshotHealth());
    every(Math.max(60_000, this.#o.config.collectEvery), () => this.#o.outbox.expire());
  }

  /** Appends the events and raw samples that arrived since the last call. */
  async flushPending(): Promise<void> {
    const events = this.#events;
    const raw = this.#raw;
    this.#events = [];
    this.#raw = [];
    if (events.length > 0) await this.#o.outbox.append('event', events);
    if (raw.length > 0) await this.#o.outbox.append('raw', raw);
    if (events.length + raw.length > 0) this.#o.appended();
  }

  /** Takes every closed minute since the outbox's mark; one collection at a time. */
  collectRollups(): Promise<void> {
    return (this.#collecting ??= this.#collect().finally(() => (this.#collecting = null)));
  }

  async #collect(): Promise<void> {
    const { outbox, config } = this.#o;
    const closeBefore = Math.floor((this.#now() - config.rollupDelay) / MINUTE) * MINUTE;
    const mark = outbox.mark('rollup') as { through?: number } | null;
    let from = typeof mark?.through === 'number' ? mark.through : Math.floor((this.#now() - config.initialBackfill) / MINUTE) * MINUTE;
    // A new outbox remembers where it started, so the minutes from then on are all taken, however late the first collection.
    if (typeof mark?.through !== 'number') await outbox.setMark('rollup', { through: from });
    while (from < closeBefore) {
      const to = Math.min(closeBefore, from + CHUNK_MINUTES * MINUTE);
      const { rows } = await this.#o.query(
        `SELECT epoch_ms(bucket) AS bucket, tag, asset_path, unit, count, min, max, avg, first, last, good_count
         FROM rollups_1m WHERE bucket >= epoch_ms(${from}) AND bucket < epoch_ms(${to}) AND count > 0 ORDER BY bucket, tag`,
      );
      const items: RollupItem[] = [];
      for (const r of rows) {
        const tag = String(r[1]);
        if (!this.#rollupTag(tag)) continue;
        items.push({ tag, bucket: Number(r[0]), assetPath: r[2] == null ? null : String(r[2]), unit: r[3] == null ? null : String(r[3]), count: Number(r[4]), min: finite(r[5]), max: finite(r[6]), avg: finite(r[7]), first: finite(r[8]), last: finite(r[9]), good: Number(r[10]) });
      }
      // The mark travels in the same frame as the items: after a crash the next collection starts exactly behind them.
      if (items.length > 0) {
        await outbox.append('rollup', items, { through: to });
        this.#o.appended();
      } else await outbox.setMark('rollup', { through: to });
      from = to;
    }
  }

  /** Appends the node's health and the line KPIs since the previous snapshot. */
  async snapshotHealth(): Promise<void> {
    const now = this.#now();
    const h = this.#o.health();
    const lines = (await this.#o.lineKpis?.(this.#lastHealth, now).catch(() => [])) ?? [];
    this.#lastHealth = now;
    const components = Object.fromEntries(Object.entries(h.components).map(([k, c]) => [k, { state: c.state, ...(c.message ? { message: c.message.slice(0, 500) } : {}) }]));
    const item: HealthItem = { ts: now, status: h.status, components, lines };
    await this.#o.outbox.append('health', [item]);
    this.#o.appended();
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const u of this.#unsubscribe) u();
    await this.#collecting;
    await this.flushPending();
  }

  #onEvent(e: FabrikEvent): void {
    if (!this.#eventKind(e.kind)) return;
    this.#events.push({ id: e.id, kind: e.kind, ts: Math.round(e.ts), assetPath: e.assetPath, severity: e.severity, ...(e.tag ? { tag: e.tag } : {}), message: e.message.slice(0, 4096), payload: e.payload });
  }

  #onSamples(b: SampleBatch): void {
    this.samples += b.length;
    for (let i = 0; i < b.length; i++) {
      const id = this.#o.tags.get(b.tag[i]!)?.id ?? '';
      const text = b.text?.[i] ?? null;
      const value = text ?? (Number.isFinite(b.value[i]) ? b.value[i]! : null);
      // {"tag":"…","ts":1700000000000,"value":…,"quality":192}
      this.rawBytes += 44 + id.length + String(value).length + (text === null ? 0 : 2);
      if (this.#rawTag(id)) this.#raw.push({ tag: id, ts: Math.round(b.ts[i]!), value, quality: b.quality[i]! });
    }
  }
}

function finite(v: unknown): number | null {
  const n = v == null ? NaN : Number(v);
  return Number.isFinite(n) ? n : null;
}
