import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AlarmControl, SpcControl } from '../api/index.js';
import { AlarmBoard, AlarmService, alarmDefinitions, type AlarmHistory } from '../alarms/index.js';
import type { SiteConfig } from '../config/index.js';
import { FabrikError, type Bus, type ComponentHealth, type FabrikEvent, type TagRegistry } from '../core/index.js';
import { startNotifications, type Notifications } from '../notify/index.js';
import { LiveSpc, SpcService, type SpcHistory, type StoredSample } from '../spc/index.js';
import { trackQuality } from './quality-metrics.js';
import type { EdgeStore } from '../store/index.js';

const ALARM_KINDS = ['active', 'returned', 'acknowledged', 'shelved', 'unshelved', 'suppressed', 'unsuppressed'].map((t) => `alarm.${t}`);

/** SPC, alarms and notifications of a node, wired to its store and bus. */
export interface QualityRuntime {
  spc?: SpcService;
  alarms?: AlarmService;
  live?: LiveSpc;
  board?: AlarmBoard;
  notifications: Notifications;
  health(): Record<string, ComponentHealth>;
  stop(): Promise<void>;
}

/** Reads stored samples and events back for SPC and the alarm journal. */
export function storeHistory(store: EdgeStore): SpcHistory & AlarmHistory {
  return {
    events: (f) => store.events(f),
    async samples(tags, range): Promise<StoredSample[]> {
      const where = [`tag IN (${tags.map(sqlString).join(', ')})`, 'quality_code >= 64', '(value_text IS NOT NULL OR isfinite(value))'];
      if (range.from !== undefined) where.push(`ts >= epoch_ms(${Math.floor(range.from)}::BIGINT)`);
      if (range.to !== undefined) where.push(`ts < epoch_ms(${Math.ceil(range.to)}::BIGINT)`);
      const order = range.newest ? 'DESC' : 'ASC';
      const r = await store.query(`SELECT epoch_ms(ts)::DOUBLE AS t, tag, value, value_text FROM samples WHERE ${where.join(' AND ')} ORDER BY ts ${order} LIMIT ${Math.max(1, Math.floor(range.limit))}`, { maxRows: range.limit, timeoutMs: 30_000 });
      const rows = r.rows.map(([t, tag, value, text]): StoredSample => (text === null || text === undefined ? { ts: Number(t), tag: String(tag), value: Number(value) } : { ts: Number(t), tag: String(tag), value: Number.NaN, text: String(text) }));
      return range.newest ? rows.reverse() : rows;
    },
    async alarmEvents(f) {
      const lists = await Promise.all(ALARM_KINDS.map((kind) => store.events({ ...f, kind })));
      return lists.flat().sort((a, b) => b.ts - a.ts).slice(0, f.limit);
    },
  };
}

/**
 * Starts live SPC and alarms on the pipeline's output (bus topic
 * 'processed', before the store's commit, so an alarm does not wait for it):
 * state is restored from the store first, then both subscribe; a tick closes
 * timed-out subgroups, runs out alarm delays and ends shelving. A sample is
 * evaluated once: live samples arrive only after the restore read the store,
 * and the restore replays stored samples silently.
 */
export async function startQuality(opts: {
  config: SiteConfig;
  store: EdgeStore;
  bus: Bus;
  tags: TagRegistry;
  recordEvent: (e: FabrikEvent) => void;
  /** Resolves when the events recorded so far are in the store (they are published first and stored behind). */
  eventsStored?: () => Promise<void>;
  /** Resolves when the samples queued for the store are stored: SPC and alarms saw them before the commit. */
  samplesStored?: () => Promise<void>;
  logger: Logger;
  tickMs: number;
}): Promise<QualityRuntime> {
  const { config, store, bus, tags, recordEvent, logger } = opts;
  const history = storeHistory(store);
  const siteAsset = `${config.site.enterprise}/${config.site.id}`;
  const unsubscribe: (() => void)[] = [];
  const runtime: QualityRuntime = {
    notifications: startNotifications(config.notify, bus, (m) => logger.warn({ part: 'notify' }, m)),
    health: () => ({}),
    stop: async () => {
      for (const u of unsubscribe) u();
      clearInterval(tick);
      runtime.live?.stop();
      runtime.board?.stop();
      await runtime.notifications.close();
    },
  };
  if (config.spc.characteristics.length > 0) {
    const live = new LiveSpc({ characteristics: config.spc.characteristics, tags, emit: recordEvent, siteAsset });
    await live.restore(history).catch((err: unknown) => logger.error({ err: (err as Error).message }, 'SPC state could not be restored; phase I starts again'));
    unsubscribe.push(bus.subscribe('processed', (b) => live.process(b)));
    runtime.live = live;
    runtime.spc = new SpcService(live, history, tags);
  }
  const definitions = alarmDefinitions(config.alarms);
  if (definitions.length > 0) {
    const board = new AlarmBoard({ definitions, config: config.alarms, tags, assets: config.assets, emit: recordEvent, latest: (i) => store.latest(i) });
    try {
      board.restore((await history.alarmEvents({ limit: 10_000 })).reverse());
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'alarm states could not be restored from the journal');
    }
    unsubscribe.push(bus.subscribe('processed', (b) => board.process(b)));
    runtime.board = board;
    runtime.alarms = new AlarmService(board, history);
  }
  const tick = setInterval(() => {
    const now = Date.now();
    runtime.live?.tick(now);
    runtime.board?.tick(now);
  }, opts.tickMs);
  tick.unref();
  const since = Date.now();
  runtime.health = () => {
    const out: Record<string, ComponentHealth> = {};
    if (runtime.live) out['spc'] = { state: 'up', since, details: { characteristics: runtime.live.runners.size, evaluated: runtime.live.evaluated } };
    if (runtime.board) out['alarms'] = { state: 'up', since, details: { alarms: runtime.board.alarms.size, evaluated: runtime.board.evaluated } };
    return out;
  };
  return runtime;
}

/** SPC and alarms for the API across config changes: the routes keep one object, the runtime behind it is replaced. */
export interface QualityHost {
  spc: SpcControl;
  alarms: AlarmControl;
  current(): QualityRuntime;
  health(): Record<string, ComponentHealth>;
  /** Restarts SPC, alarms and notifications when their part of the config changed; state is restored from the store. */
  reconfigure(next: SiteConfig): Promise<void>;
  stop(): Promise<void>;
}

type QualityOptions = Parameters<typeof startQuality>[0];

/** Starts the quality runtime for `opts.config` and keeps it replaceable; its series go to `metrics`. */
export async function hostQuality(options: QualityOptions & { metrics?: Registry }): Promise<QualityHost> {
  const { metrics, ...base } = options;
  const count = metrics ? trackQuality(metrics, () => runtime) : undefined;
  const opts: QualityOptions = count ? { ...base, recordEvent: (e) => (count(e), base.recordEvent(e)) } : base;
  let runtime = await startQuality(opts);
  let config = opts.config;
  const part = (c: SiteConfig) => JSON.stringify([c.spc, c.alarms, c.notify, c.assets]);
  const spc = (): SpcService => runtime.spc ?? notRunning('SPC_NOT_RUNNING', 'this node runs no SPC; add characteristics under "spc:" in the site config');
  const alarms = (): AlarmService => runtime.alarms ?? notRunning('ALARMS_NOT_RUNNING', 'this node runs no alarms; add them under "alarms:" in the site config');
  return {
    spc: {
      characteristics: () => spc().characteristics(),
      chart: (id, range) => spc().chart(id, range),
      capability: (id, range) => spc().capability(id, range),
      setBaseline: (id, req, actor) => spc().setBaseline(id, req, actor),
    },
    alarms: {
      list: (f) => alarms().list(f),
      acknowledge: (id, actor, comment) => alarms().acknowledge(id, actor, comment),
      shelve: (id, actor, comment, minutes) => alarms().shelve(id, actor, comment, minutes),
      unshelve: (id, actor, comment) => alarms().unshelve(id, actor, comment),
      journal: (f) => alarms().journal(f),
      rates: () => alarms().rates(),
    },
    current: () => runtime,
    health: () => runtime.health(),
    async reconfigure(next) {
      if (part(next) === part(config)) return;
      await runtime.stop();
      // Samples the old runtime evaluated, and limit changes and acknowledgements of the last moments, may
      // still wait for the group commit; the new runtime reads them back.
      await opts.samplesStored?.();
      await opts.eventsStored?.();
      await opts.store.flush();
      config = next;
      runtime = await startQuality({ ...opts, config: next });
    },
    stop: () => runtime.stop(),
  };
}

function notRunning(code: string, message: string): never {
  throw new FabrikError(code, message);
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
