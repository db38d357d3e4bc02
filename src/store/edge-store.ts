import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { RetentionConfig, StoreConfig } from '../config/index.js';
import type { ComponentHealth, FabrikEvent, Sample, SampleBatch, Sink, TagRegistry } from '../core/index.js';
import { compact } from './compaction.js';
import { StoreError, errorMessage } from './errors.js';
import { queryEvents, type EventFilter } from './event-query.js';
import { GroupCommit, ROLLUP_GRACE_MS } from './group-commit.js';
import { LatestValues } from './latest-values.js';
import { runUserQuery, type QueryOptions, type QueryResult } from './query-runner.js';
import { loadLatest, openRollupsFromRaw, readCloseBefore } from './recovery.js';
import { doneFiles, moveToArchive, recoverArchive } from './retention.js';
import { RollupAccumulator } from './rollup-accumulator.js';
import { RAW_NUMERIC_TABLES, SCHEMA_SQL, samplesViewSql, sqlString } from './schema.js';
import { migrateStore } from './store-migration.js';
import { planSeal, sealBefore, sealStep } from './period-seal.js';
import { expireArchives } from './archive-expiry.js';
import { TagKeys } from './tag-keys.js';

/** What `EdgeStore.open` needs. */
export interface EdgeStoreOptions {
  dataDir: string;
  tags: TagRegistry;
  store: StoreConfig;
  retention: RetentionConfig;
  logger?: Logger;
  /** Wall clock in epoch ms (tests inject one). */
  now?: () => number;
  /** Commit early once this many samples wait. Default 262,144. */
  maxPendingRows?: number;
  /** Further folders user SQL may read (registered virtual sources), besides the archive and `files`. */
  allowedDirectories?: readonly string[];
}

/** Counters for metrics and /readyz. */
export interface StoreStats {
  samplesWritten: number;
  eventsWritten: number;
  commits: number;
  failedCommits: number;
  lastCommitMs: number;
  pendingRows: number;
  droppedUnknownTag: number;
  nonFiniteValues: number;
  fileBytes: number;
  rowsRaw: number;
  rowsRollup: number;
  archiveFiles: number;
  archivedRows: number;
}

/**
 * The node's embedded columnar store: a DuckDB file with raw samples, 1-minute
 * rollups and events, plus Parquet archives, behind the read-only views
 * `samples`, `rollups_1m`, `events` and `tags`. `write` resolves once the batch
 * is committed durably (group commit).
 */
export class EdgeStore implements Sink {
  readonly name = 'store';
  readonly #instance: DuckDBInstance;
  readonly #conn: DuckDBConnection;
  readonly #opts: EdgeStoreOptions;
  readonly #now: () => number;
  readonly #keys: TagKeys;
  readonly #latest: LatestValues;
  readonly #rollups: RollupAccumulator;
  readonly #gc: GroupCommit;
  readonly #archiveDir: string;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #unsubscribe: () => void;
  #since: number;
  #closed = false;
  #counts = { rowsRaw: 0, rowsRollup: 0, archiveFiles: 0, archivedRows: 0 };

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection, opts: EdgeStoreOptions, keys: TagKeys, latest: LatestValues, rollups: RollupAccumulator, closeBefore: number) {
    this.#instance = instance;
    this.#conn = conn;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#keys = keys;
    this.#latest = latest;
    this.#rollups = rollups;
    this.#archiveDir = path.join(opts.dataDir, 'archive');
    this.#since = this.#now();
    this.#gc = new GroupCommit({ conn, keys, rollups, latest, now: this.#now, logger: opts.logger, closeBefore, recoverRollups: () => this.#recoverRollups() }, opts.maxPendingRows ?? 262_144);
    for (const [index, def] of opts.tags.all().entries()) keys.define(index, def);
    this.#unsubscribe = opts.tags.onDefine((index, def) => keys.define(index, def));
  }

  /** Opens (or creates) `<dataDir>/fabrik.duckdb`, recovers after a crash and starts the commit timer. */
  static async open(opts: EdgeStoreOptions): Promise<EdgeStore> {
    const archiveDir = path.join(opts.dataDir, 'archive');
    const filesDir = path.join(opts.dataDir, 'files');
    for (const d of [opts.dataDir, archiveDir, filesDir]) fs.mkdirSync(d, { recursive: true });
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(path.join(opts.dataDir, 'fabrik.duckdb'), { memory_limit: opts.store.memoryLimit });
      const conn = await instance.connect();
      await conn.run(SCHEMA_SQL);
      await migrateStore(conn);
      await recoverArchive(conn);
      await conn.run(samplesViewSql(await doneFiles(conn)));
      const extra = (opts.allowedDirectories ?? []).filter((d) => fs.existsSync(d));
      await lockDown(conn, [archiveDir, filesDir, ...extra].map((d) => fs.realpathSync(d)));
      const keys = new TagKeys();
      const stored = await conn.runAndReadAll('SELECT key, id FROM tag_meta');
      keys.loadStored(stored.getRows().map(([key, id]) => ({ key: Number(key), id: String(id) })));
      const closeBefore = await readCloseBefore(conn);
      const rollups = new RollupAccumulator();
      rollups.reset(await openRollupsFromRaw(conn, closeBefore));
      const latest = new LatestValues();
      await loadLatest(conn, latest);
      const store = new EdgeStore(instance, conn, opts, keys, latest, rollups, closeBefore);
      await store.#refreshCounts();
      store.#startTimers();
      return store;
    } catch (cause) {
      instance?.closeSync();
      throw new StoreError('STORE_OPEN_FAILED', `cannot open the store in ${opts.dataDir}: ${errorMessage(cause)}`, { cause });
    }
  }

  write(batch: SampleBatch): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#gc.enqueue(batch, null);
  }

  writeEvents(events: FabrikEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#gc.enqueue(null, events);
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    await this.#gc.drain();
  }

  /**
   * Moves hot rows into the sorted warm table and folds rollup partials, then
   * seals closed days of the warm table into the cold one, one bounded
   * transaction at a time so commits go on in between (also runs every
   * `store.compactEvery`).
   */
  async compact(): Promise<{ rawRows: number; rollupRows: number; sealedRows: number }> {
    try {
      const r = await this.#gc.exclusive(() => compact(this.#conn));
      const steps = await this.#gc.exclusive(() => planSeal(this.#conn, sealBefore(this.#now())));
      let sealedRows = 0;
      for (const step of steps) sealedRows += await this.#gc.exclusive(() => sealStep(this.#conn, step));
      return { ...r, sealedRows };
    } catch (cause) {
      throw new StoreError('STORE_COMPACT_FAILED', `compaction failed (nothing was lost; it retries next run): ${errorMessage(cause)}`, { cause });
    } finally {
      await this.#refreshCounts();
    }
  }

  /** Flushes, checkpoints and closes. Later writes reject with STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const t of this.#timers) clearInterval(t);
    this.#unsubscribe();
    await this.#gc.drain();
    this.#closed = true;
    await this.#gc.exclusive(() => this.#conn.run('CHECKPOINT')).catch(() => undefined);
    this.#conn.closeSync();
    this.#instance.closeSync();
    this.#since = this.#now();
  }

  health(): ComponentHealth {
    if (this.#closed) return { state: 'stopped', since: this.#since };
    const err = this.#gc.lastError;
    return err
      ? { state: 'degraded', since: this.#gc.stats.lastCommitAt, message: err.message, details: { pendingRows: this.#gc.pendingRows } }
      : { state: 'up', since: this.#since, details: { pendingRows: this.#gc.pendingRows, lastCommitMs: this.#gc.stats.lastCommitMs } };
  }

  /** The safe, read-only SQL path for users: one SELECT/EXPLAIN, no file access outside the archive, capped and timed. */
  query(sql: string, opts?: QueryOptions): Promise<QueryResult> {
    if (this.#closed) return Promise.reject(closedError());
    return runUserQuery(this.#instance, sql, opts);
  }

  /** Newest committed sample of a tag by registry index. */
  latest(tagIndex: number): Sample | undefined {
    const k = this.#keys.keyOf(tagIndex);
    const e = this.#latest.get(k);
    if (!e) return undefined;
    const boolean = this.#keys.defOf(k)?.dataType === 'boolean';
    const value = e.text ?? (boolean && Number.isFinite(e.value) ? e.value !== 0 : e.value);
    return { tag: tagIndex, ts: e.ts, value, quality: e.quality };
  }

  latestAll(): Map<number, Sample> {
    const out = new Map<number, Sample>();
    for (const k of this.#latest.keys()) {
      const index = this.#keys.indexOf(k);
      const s = index >= 0 ? this.latest(index) : undefined;
      if (s) out.set(index, s);
    }
    return out;
  }

  events(filter: EventFilter = {}): Promise<FabrikEvent[]> {
    if (this.#closed) return Promise.reject(closedError());
    return queryEvents(this.#instance, filter);
  }

  /**
   * Moves raw samples past their class's `raw` age into Parquet, then deletes
   * archive files past the class's `archive` age (also runs every `retention.checkEvery`).
   */
  async runRetention(now: number = this.#now()): Promise<{ movedRows: number; files: string[]; expiredFiles: string[] }> {
    try {
      const r = await this.#gc.exclusive(() => moveToArchive(this.#conn, this.#archiveDir, this.#opts.retention, this.#keys, now));
      const expiredFiles = await this.#gc.exclusive(() => expireArchives(this.#conn, this.#opts.retention, now));
      await this.#refreshCounts();
      return { ...r, expiredFiles };
    } catch (cause) {
      throw new StoreError('STORE_RETENTION_FAILED', `moving old samples to Parquet or deleting expired archives failed (nothing was lost; it retries next run): ${errorMessage(cause)}`, { cause });
    }
  }

  stats(): StoreStats {
    const s = this.#gc.stats;
    return {
      samplesWritten: s.samplesWritten, eventsWritten: s.eventsWritten, commits: s.commits, failedCommits: s.failedCommits,
      lastCommitMs: s.lastCommitMs, pendingRows: this.#gc.pendingRows, droppedUnknownTag: s.droppedUnknownTag, nonFiniteValues: s.nonFiniteValues,
      fileBytes: this.#fileBytes(), ...this.#counts,
    };
  }

  #fileBytes(): number {
    const db = path.join(this.#opts.dataDir, 'fabrik.duckdb');
    let n = 0;
    for (const f of [db, `${db}.wal`]) n += fs.existsSync(f) ? fs.statSync(f).size : 0;
    return n;
  }

  async #refreshCounts(): Promise<void> {
    const r = await this.#conn.runAndReadAll(`SELECT
      ${[...RAW_NUMERIC_TABLES, 'raw_text'].map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')},
      (SELECT count(*) FROM rollup_hot) + (SELECT count(*) FROM rollup_cold),
      (SELECT count(*) FROM archive_files WHERE state = 'done'), (SELECT coalesce(sum(rows), 0) FROM archive_files WHERE state = 'done')`);
    const [raw, roll, files, archived] = r.getRows()[0] ?? [];
    this.#counts = { rowsRaw: Number(raw), rowsRollup: Number(roll), archiveFiles: Number(files), archivedRows: Number(archived) };
  }

  async #recoverRollups(): Promise<void> {
    this.#rollups.reset(await openRollupsFromRaw(this.#conn, this.#gc.closeBefore));
  }

  #startTimers(): void {
    const { store, retention } = this.#opts;
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.#opts.logger?.warn({ err }, 'store background task failed')), ms);
      t.unref();
      this.#timers.push(t);
    };
    every(store.commitInterval, async () => {
      if (!this.#gc.idle || this.#rollups.closable(this.#now() - ROLLUP_GRACE_MS).length > 0) await this.#gc.schedule();
    });
    every(store.compactEvery, () => this.compact());
    every(retention.checkEvery, () => this.runRetention());
  }
}

function closedError(): StoreError {
  return new StoreError('STORE_CLOSED', 'the store is closed; open a new EdgeStore');
}

/** Locks user-reachable file access to the given folders; settings cannot change afterwards. */
async function lockDown(conn: DuckDBConnection, allowed: readonly string[]): Promise<void> {
  await conn.run(`SET allowed_directories = [${allowed.map((d) => sqlString(d)).join(', ')}]`);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET autoload_known_extensions = false');
  await conn.run('SET autoinstall_known_extensions = false');
  await conn.run('SET lock_configuration = true');
}
