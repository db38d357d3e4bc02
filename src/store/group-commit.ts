import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { FabrikEvent, SampleBatch } from '../core/index.js';
import { StoreError, errorMessage } from './errors.js';
import type { LatestValues } from './latest-values.js';
import type { RollupAccumulator } from './rollup-accumulator.js';
import { SampleAppender, appendRollups, type AppendCounts } from './sample-appender.js';
import { upsertTagsSql, type TagKeys } from './tag-keys.js';

/** How long after a minute ends (by data time or wall clock) it is persisted. */
export const ROLLUP_GRACE_MS = 5_000;

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface CommitStats {
  samplesWritten: number;
  eventsWritten: number;
  commits: number;
  lastCommitMs: number;
  lastCommitAt: number;
  droppedUnknownTag: number;
  nonFiniteValues: number;
  failedCommits: number;
}

export interface GroupCommitDeps {
  conn: DuckDBConnection;
  keys: TagKeys;
  rollups: RollupAccumulator;
  latest: LatestValues;
  now: () => number;
  logger: Logger | undefined;
  /** Persisted rollup watermark read at open. */
  closeBefore: number;
  /** Recomputes open rollups from raw rows after a failed commit. */
  recoverRollups: () => Promise<void>;
}

/**
 * The single writer: queues batches and events, commits them in one DuckDB
 * transaction per group, and resolves each write only after COMMIT returned
 * (DuckDB fsyncs its WAL on commit). Other exclusive work on the writer
 * connection (compaction, retention) goes through `exclusive`.
 */
export class GroupCommit {
  readonly stats: CommitStats = { samplesWritten: 0, eventsWritten: 0, commits: 0, lastCommitMs: 0, lastCommitAt: 0, droppedUnknownTag: 0, nonFiniteValues: 0, failedCommits: 0 };
  readonly #deps: GroupCommitDeps;
  readonly #appender = new SampleAppender();
  #batches: SampleBatch[] = [];
  #events: FabrikEvent[] = [];
  #waiters: Waiter[] = [];
  #rows = 0;
  #tail: Promise<unknown> = Promise.resolve();
  #scheduled = false;
  #closeBefore: number;
  lastError: Error | null = null;

  constructor(deps: GroupCommitDeps, readonly maxPendingRows: number) {
    this.#deps = deps;
    this.#closeBefore = deps.closeBefore;
  }

  get pendingRows(): number {
    return this.#rows;
  }

  enqueue(batch: SampleBatch | null, events: readonly FabrikEvent[] | null): Promise<void> {
    if (batch && batch.length > 0) {
      this.#batches.push(batch);
      this.#rows += batch.length;
    }
    if (events) this.#events.push(...events);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#rows >= this.maxPendingRows) this.schedule();
    return done;
  }

  /** Starts a commit after whatever exclusive work is running (at most one queued). */
  schedule(): Promise<void> {
    if (this.#scheduled) return this.#tail.then(() => undefined);
    this.#scheduled = true;
    return this.exclusive(() => this.#commit());
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #commit(): Promise<void> {
    this.#scheduled = false;
    const { conn, keys, rollups, latest, now } = this.#deps;
    const batches = this.#batches;
    const events = this.#events;
    const waiters = this.#waiters;
    this.#batches = [];
    this.#events = [];
    this.#waiters = [];
    this.#rows = 0;
    const tagRows = keys.takePending();
    const started = performance.now();
    const counts: AppendCounts = { numeric: 0, text: 0, unknownTag: 0, nonFinite: 0, maxTs: Number.NEGATIVE_INFINITY };
    const wall = now();
    let touchedRollups = false;
    try {
      await conn.run('BEGIN TRANSACTION');
      if (tagRows.length > 0) await conn.run(upsertTagsSql(tagRows));
      if (batches.length > 0) {
        touchedRollups = true;
        const raw = await conn.createAppender('raw_hot');
        const hasText = batches.some((b) => b.text?.some((t) => t != null));
        const text = hasText ? await conn.createAppender('raw_text') : null;
        try {
          const table = keys.table;
          for (const b of batches) this.#appender.append(raw, text, b, table, rollups, counts);
        } finally {
          raw.closeSync();
          text?.closeSync();
        }
      }
      if (events.length > 0) {
        const app = await conn.createAppender('event_log');
        appendEvents(app, events);
        app.closeSync();
      }
      const closeBefore = Math.max(this.#closeBefore, Math.max(counts.maxTs, wall) - ROLLUP_GRACE_MS);
      const closed = rollups.closable(closeBefore);
      if (closed.length > 0) {
        const app = await conn.createAppender('rollup_hot');
        appendRollups(app, closed);
        app.closeSync();
      }
      await conn.run(`INSERT OR REPLACE INTO store_meta VALUES ('close_before', ${closeBefore})`);
      await conn.run('COMMIT');
      rollups.remove(closed);
      this.#closeBefore = closeBefore;
      for (const b of batches) latest.update(b, keys.table);
      const s = this.stats;
      s.samplesWritten += counts.numeric + counts.text;
      s.eventsWritten += events.length;
      s.droppedUnknownTag += counts.unknownTag;
      s.nonFiniteValues += counts.nonFinite;
      s.commits++;
      s.lastCommitMs = performance.now() - started;
      s.lastCommitAt = wall;
      this.lastError = null;
      for (const w of waiters) w.resolve();
    } catch (cause) {
      this.stats.failedCommits++;
      const err = new StoreError('STORE_COMMIT_FAILED', `commit of ${batches.length} batches and ${events.length} events failed: ${errorMessage(cause)}`, { cause });
      this.lastError = err;
      this.#deps.logger?.error({ err }, 'store commit failed');
      await conn.run('ROLLBACK').catch(() => undefined);
      keys.requeue(tagRows);
      if (touchedRollups) await this.#deps.recoverRollups().catch(() => undefined);
      for (const w of waiters) w.reject(err);
    }
  }

  /** True when no write is waiting for a commit. */
  get idle(): boolean {
    return this.#waiters.length === 0;
  }

  /** Waits for everything queued so far to be committed. */
  async drain(): Promise<void> {
    await this.#tail;
    if (!this.idle) await this.schedule();
    await this.#tail;
  }

  /** Rollup watermark: minutes ending at or before it are persisted. */
  get closeBefore(): number {
    return this.#closeBefore;
  }
}

function appendEvents(app: DuckDBAppender, events: readonly FabrikEvent[]): void {
  for (const e of events) {
    app.appendVarchar(e.id);
    app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(e.ts * 1000))));
    app.appendVarchar(e.kind);
    app.appendVarchar(e.assetPath);
    app.appendVarchar(e.severity);
    if (e.tag === undefined) app.appendNull();
    else app.appendVarchar(e.tag);
    app.appendVarchar(e.message);
    app.appendVarchar(JSON.stringify(e.payload ?? {}));
    app.endRow();
  }
}
