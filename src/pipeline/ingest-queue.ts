import { concatBatches, type SampleBatch } from '../core/index.js';
import { sliceBatch } from './batch-columns.js';
import { PipelineError, PipelineErrorCode } from './errors.js';

export interface IngestQueueStats {
  /** Samples waiting now. */
  size: number;
  capacity: number;
  pushed: number;
  taken: number;
  /** Oldest samples thrown away to stay within `capacity`. */
  dropped: number;
  /** Most samples ever waiting at once. */
  highWater: number;
}

/**
 * The bounded buffer between the pipeline and a slow sink. `push` never blocks
 * and never holds more than `maxQueuedSamples`: when full it drops the OLDEST
 * samples (fresh data matters more to a plant than a backlog) and counts them.
 * A writer loop awaits `waitForData`, then `take`s a batch and awaits the sink.
 */
export class IngestQueue {
  readonly capacity: number;
  #batches: SampleBatch[] = [];
  #size = 0;
  #pushed = 0;
  #taken = 0;
  #dropped = 0;
  #highWater = 0;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(maxQueuedSamples: number) {
    if (!Number.isInteger(maxQueuedSamples) || maxQueuedSamples <= 0) {
      throw new PipelineError(PipelineErrorCode.InvalidOption, `maxQueuedSamples must be a positive integer, got ${maxQueuedSamples}`);
    }
    this.capacity = maxQueuedSamples;
  }

  get size(): number {
    return this.#size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  push(batch: SampleBatch): void {
    const n = batch.length;
    if (n === 0) return;
    this.#pushed += n;
    if (this.#closed) {
      this.#dropped += n;
      return;
    }
    let b = batch;
    if (n > this.capacity) {
      this.#dropped += n - this.capacity;
      b = sliceBatch(batch, n - this.capacity);
    }
    let excess = this.#size + b.length - this.capacity;
    while (excess > 0) {
      const head = this.#batches[0]!;
      if (head.length <= excess) {
        this.#batches.shift();
        this.#size -= head.length;
        this.#dropped += head.length;
        excess -= head.length;
      } else {
        this.#batches[0] = sliceBatch(head, excess);
        this.#size -= excess;
        this.#dropped += excess;
        excess = 0;
      }
    }
    this.#batches.push(b);
    this.#size += b.length;
    if (this.#size > this.#highWater) this.#highWater = this.#size;
    this.#wake();
  }

  /** Up to `maxSamples` of the oldest samples as one batch, or null when empty. */
  take(maxSamples: number = Number.POSITIVE_INFINITY): SampleBatch | null {
    if (this.#size === 0 || !(maxSamples >= 1)) return null;
    const parts: SampleBatch[] = [];
    let room = Math.floor(Math.min(maxSamples, this.#size));
    while (room > 0) {
      const head = this.#batches[0]!;
      if (head.length <= room) {
        parts.push(head);
        this.#batches.shift();
        room -= head.length;
      } else {
        parts.push(sliceBatch(head, 0, room));
        this.#batches[0] = sliceBatch(head, room);
        room = 0;
      }
    }
    const out = concatBatches(parts);
    this.#size -= out.length;
    this.#taken += out.length;
    return out;
  }

  /** Resolves once samples are waiting (at once if some are) or the queue is closed; rejects when `signal` aborts. */
  waitForData(signal?: AbortSignal): Promise<void> {
    if (this.#size > 0 || this.#closed) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        reject(signal!.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes the writer for the last time; what is queued can still be taken, nothing new is accepted. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  stats(): IngestQueueStats {
    return {
      size: this.#size, capacity: this.capacity, pushed: this.#pushed,
      taken: this.#taken, dropped: this.#dropped, highWater: this.#highWater,
    };
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
