import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SyncError, SyncErrorCode } from './errors.js';
import { decodeFrames, encodeFrame, type Frame } from './outbox-frame.js';
import { recoverSegments, type Segment } from './outbox-recovery.js';
import { readOutboxState, syncDir, writeOutboxState, type DropCounts, type OutboxState } from './outbox-state.js';
import { STREAMS, type Stream } from './wire.js';

/** What `Outbox.open` needs. */
export interface OutboxOptions {
  dir: string;
  /** Disk cap over all streams; beyond it the drop policy applies. */
  maxBytes: number;
  /** A segment file is closed and a new one started past this size. Default 4 MiB. */
  segmentBytes?: number;
  /** Items older than this (per stream) are dropped; events only when `dropEvents`. */
  ttlMs?: Partial<Record<Stream, number>>;
  /** Whether events may be dropped at all (cap or TTL). Default false. */
  dropEvents?: boolean;
  now?: () => number;
}

/** An item read back for sending. */
export interface OutboxItem {
  seq: number;
  /** Epoch ms it was appended. */
  at: number;
  data: unknown;
}

interface StreamFiles {
  segments: Segment[];
  /** The last segment, open for appending; null after a roll. */
  active: FileHandle | null;
  nextSeq: number;
  /** Appends refused or kept beyond the cap (events that may not be dropped). */
  overCap: number;
}

/** Per-stream backlog and counters. */
export interface StreamStats {
  items: number;
  bytes: number;
  oldestAt: number | null;
  nextSeq: number;
  ackedThrough: number;
  droppedThrough: number;
  drops: DropCounts;
  overCap: number;
}

type ResolvedOptions = Required<Omit<OutboxOptions, 'ttlMs'>> & { ttlMs: Partial<Record<Stream, number>> };

const PRIORITY: Record<Stream, number> = { event: 0, health: 1, rollup: 2, raw: 3 };

/**
 * The site's durable outbox: per stream, append-only segment files of framed,
 * fsynced appends, and a state file of what the hub acknowledged. An append
 * resolves only after its fsync, so `kill -9` loses nothing it confirmed; an
 * item is deleted only after the hub acknowledged it. Under the disk cap the
 * oldest segments of the least important streams go first, never a more
 * important stream's for a less important one, and never events unless allowed.
 */
export class Outbox {
  readonly #o: ResolvedOptions;
  readonly #state: OutboxState;
  readonly #files: Record<Stream, StreamFiles>;
  #serial: Promise<unknown> = Promise.resolve();
  #cache: { path: string; bytes: number; frames: Frame[] } | null = null;
  #closed = false;

  private constructor(o: ResolvedOptions, state: OutboxState, files: Record<Stream, StreamFiles>) {
    this.#o = o;
    this.#state = state;
    this.#files = files;
  }

  /** Opens (or creates) the outbox in `dir`: drops torn tails and recovers sequences, acknowledgements and marks. */
  static async open(opts: OutboxOptions): Promise<Outbox> {
    const o = { segmentBytes: 4 * 1024 * 1024, dropEvents: false, now: Date.now, ttlMs: {}, ...opts };
    try {
      await mkdir(o.dir, { recursive: true });
      const state = await readOutboxState(o.dir);
      const names = (await readdir(o.dir)).filter((n) => n.endsWith('.seg')).sort();
      const files = {} as Record<Stream, StreamFiles>;
      for (const stream of STREAMS) {
        const st = state.streams[stream];
        const segments = await recoverSegments(o.dir, names.filter((n) => n.startsWith(`${stream}-`)), st);
        const nextSeq = Math.max(st.ackedThrough, st.droppedThrough, segments.at(-1)?.lastSeq ?? 0) + 1;
        files[stream] = { segments, active: null, nextSeq, overCap: 0 };
      }
      await writeOutboxState(o.dir, state);
      return new Outbox(o, state, files);
    } catch (cause) {
      throw new SyncError(SyncErrorCode.OutboxFailed, `cannot open the outbox in ${o.dir}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Identifies this outbox to the hub; a new outbox starts a new epoch. */
  get epoch(): string {
    return this.#state.epoch;
  }

  /**
   * Appends items as one frame and resolves after the fsync with their sequence
   * numbers, or with null when the disk cap made the policy drop them (counted).
   */
  append(stream: Stream, items: unknown[], mark?: unknown): Promise<{ firstSeq: number; lastSeq: number } | null> {
    return this.#run(async () => {
      if (items.length === 0) return null;
      const f = this.#files[stream];
      const frame = encodeFrame({ seq: f.nextSeq, at: this.#o.now(), items, ...(mark !== undefined ? { mark } : {}) });
      if (!(await this.#makeRoom(stream, frame.length))) {
        this.#state.streams[stream].drops.cap += items.length;
        f.overCap += items.length;
        if (mark !== undefined) this.#setMark(stream, mark);
        await writeOutboxState(this.#o.dir, this.#state);
        return null;
      }
      let seg = f.segments.at(-1);
      if (!f.active || !seg || seg.bytes >= this.#o.segmentBytes) {
        await f.active?.close();
        const path = join(this.#o.dir, `${stream}-${String(f.nextSeq).padStart(16, '0')}.seg`);
        f.active = await open(path, 'a');
        seg = { path, firstSeq: f.nextSeq, lastSeq: f.nextSeq - 1, bytes: 0, oldestAt: this.#o.now(), newestAt: 0 };
        f.segments.push(seg);
        await syncDir(this.#o.dir);
      }
      await f.active.write(frame);
      await f.active.datasync();
      const firstSeq = f.nextSeq;
      f.nextSeq += items.length;
      Object.assign(seg, { lastSeq: f.nextSeq - 1, bytes: seg.bytes + frame.length, newestAt: this.#o.now() });
      if (mark !== undefined) this.#setMark(stream, mark, f.nextSeq - 1);
      return { firstSeq, lastSeq: f.nextSeq - 1 };
    });
  }

  /** Items after `afterSeq`, oldest first, up to `maxItems` and about `maxBytes` of frame bytes. */
  read(stream: Stream, afterSeq: number, maxItems: number, maxBytes = Infinity): Promise<OutboxItem[]> {
    return this.#run(async () => {
      const out: OutboxItem[] = [];
      let bytes = 0;
      for (const seg of this.#files[stream].segments) {
        if (seg.lastSeq <= afterSeq) continue;
        for (const frame of await this.#frames(seg)) {
          const perItem = (frame.bytes ?? 0) / Math.max(1, frame.items.length);
          for (let i = 0; i < frame.items.length; i++) {
            const seq = frame.seq + i;
            if (seq <= afterSeq) continue;
            if (out.length >= maxItems || (out.length > 0 && bytes + perItem > maxBytes)) return out;
            out.push({ seq, at: frame.at, data: frame.items[i] });
            bytes += perItem;
          }
        }
      }
      return out;
    });
  }

  /** Highest sequence appended so far. */
  lastSeq(stream: Stream): number {
    return this.#files[stream].nextSeq - 1;
  }

  /** Everything at or below this was acknowledged or dropped. */
  doneThrough(stream: Stream): number {
    const s = this.#state.streams[stream];
    return Math.max(s.ackedThrough, s.droppedThrough);
  }

  droppedThrough(stream: Stream): number {
    return this.#state.streams[stream].droppedThrough;
  }

  /** The hub holds everything at or below `through`: record it durably, then delete what is no longer needed. */
  ack(stream: Stream, through: number): Promise<void> {
    return this.#run(async () => {
      const s = this.#state.streams[stream];
      if (through <= s.ackedThrough) return;
      s.ackedThrough = Math.min(through, this.#files[stream].nextSeq - 1);
      await writeOutboxState(this.#o.dir, this.#state);
      await this.#deleteDone(stream);
    });
  }

  /** The producer's resume point: the newest mark appended or set. */
  mark(stream: Stream): unknown {
    return this.#state.streams[stream].mark;
  }

  /** Moves the resume point without items (a producer that found nothing new). */
  setMark(stream: Stream, mark: unknown): Promise<void> {
    return this.#run(async () => {
      this.#setMark(stream, mark);
      await writeOutboxState(this.#o.dir, this.#state);
    });
  }

  /** Drops whole segments whose newest item is older than the stream's TTL; returns how many items went. */
  expire(): Promise<number> {
    return this.#run(async () => {
      let dropped = 0;
      const now = this.#o.now();
      for (const stream of STREAMS) {
        const ttl = this.#o.ttlMs[stream];
        if (ttl === undefined || (stream === 'event' && !this.#o.dropEvents)) continue;
        const f = this.#files[stream];
        while (f.segments.length > 0 && f.segments[0]!.newestAt < now - ttl) dropped += await this.#dropOldest(stream, 'ttl');
      }
      return dropped;
    });
  }

  stats(): { maxBytes: number; bytes: number; streams: Record<Stream, StreamStats> } {
    const streams = {} as Record<Stream, StreamStats>;
    let total = 0;
    for (const stream of STREAMS) {
      const f = this.#files[stream];
      const s = this.#state.streams[stream];
      const done = this.doneThrough(stream);
      const bytes = f.segments.reduce((sum, seg) => sum + seg.bytes, 0);
      total += bytes;
      const items = Math.max(0, f.nextSeq - 1 - done);
      const oldest = f.segments.find((seg) => seg.lastSeq > done);
      streams[stream] = { items, bytes, oldestAt: items > 0 && oldest ? oldest.oldestAt : null, nextSeq: f.nextSeq, ackedThrough: s.ackedThrough, droppedThrough: s.droppedThrough, drops: { ...s.drops }, overCap: f.overCap };
    }
    return { maxBytes: this.#o.maxBytes, bytes: total, streams };
  }

  /** Waits for pending work and closes the segment files; idempotent. */
  close(): Promise<void> {
    return this.#run(async () => {
      this.#closed = true;
      for (const stream of STREAMS) {
        await this.#files[stream].active?.close();
        this.#files[stream].active = null;
      }
    }, true);
  }

  #run<T>(fn: () => Promise<T>, closing = false): Promise<T> {
    const next = this.#serial.then(() => {
      if (this.#closed && !closing) throw new SyncError(SyncErrorCode.OutboxClosed, 'the outbox is closed');
      return fn();
    });
    this.#serial = next.catch(() => undefined);
    return next;
  }

  #setMark(stream: Stream, mark: unknown, seq = this.#files[stream].nextSeq - 1): void {
    Object.assign(this.#state.streams[stream], { mark, markSeq: seq });
  }

  async #frames(seg: Segment): Promise<Frame[]> {
    const cache = this.#cache;
    if (cache?.path === seg.path && cache.bytes === seg.bytes) return cache.frames;
    // Segments only grow: of the one being appended to, read just what was added since the last look.
    if (cache?.path === seg.path && cache.bytes < seg.bytes) {
      const fh = await open(seg.path, 'r');
      try {
        const added = Buffer.alloc(seg.bytes - cache.bytes);
        await fh.read(added, 0, added.length, cache.bytes);
        cache.frames.push(...decodeFrames(added).frames);
        cache.bytes = seg.bytes;
        return cache.frames;
      } finally {
        await fh.close();
      }
    }
    const { frames } = decodeFrames((await readFile(seg.path)).subarray(0, seg.bytes));
    this.#cache = { path: seg.path, bytes: seg.bytes, frames };
    return frames;
  }

  /** Frees space for `need` bytes by dropping the oldest segments of streams no more important than `stream`. */
  async #makeRoom(stream: Stream, need: number): Promise<boolean> {
    const victims = STREAMS.filter((s) => PRIORITY[s] >= PRIORITY[stream] && (s !== 'event' || this.#o.dropEvents)).reverse();
    for (;;) {
      if (this.stats().bytes + need <= this.#o.maxBytes) return true;
      const victim = victims.find((s) => this.#files[s].segments.length > 0);
      if (!victim) return stream === 'event' && !this.#o.dropEvents ? (this.#files.event.overCap++, true) : false;
      await this.#dropOldest(victim, 'cap');
    }
  }

  /** Removes a stream's oldest segment, counting its unacknowledged items as dropped for `reason`. */
  async #dropOldest(stream: Stream, reason: keyof DropCounts): Promise<number> {
    const f = this.#files[stream];
    const seg = f.segments[0]!;
    if (f.segments.length === 1 && f.active) {
      await f.active.close();
      f.active = null;
    }
    const s = this.#state.streams[stream];
    const count = Math.max(0, seg.lastSeq - Math.max(this.doneThrough(stream), seg.firstSeq - 1));
    s.drops[reason] += count;
    s.droppedThrough = Math.max(s.droppedThrough, seg.lastSeq);
    await writeOutboxState(this.#o.dir, this.#state);
    f.segments.shift();
    await unlink(seg.path);
    return count;
  }

  /** Deletes segments wholly at or below the done point (closing the active one when it is done too). */
  async #deleteDone(stream: Stream): Promise<void> {
    const f = this.#files[stream];
    const done = this.doneThrough(stream);
    while (f.segments.length > 0 && f.segments[0]!.lastSeq <= done) {
      if (f.segments.length === 1 && f.active) {
        await f.active.close();
        f.active = null;
      }
      await unlink(f.segments.shift()!.path);
    }
  }
}
