import { SampleBatchBuilder, type SampleBatch } from '../../core/index.js';

/** Flush and bound settings of a collector. */
export interface BatchCollectorOptions {
  /** Flush at most this long after the first sample of a batch arrived. Default 50 ms. */
  flushMs?: number;
  /** Flush once a batch has this many samples. Default 5,000. */
  maxBatch?: number;
  /** Batches waiting for the consumer beyond this are dropped (oldest first) and counted. Default 1,000. */
  maxQueued?: number;
}

/**
 * Turns notifications arriving one by one into columnar batches, and hands
 * them to one consumer that pulls at its own pace. Callbacks push straight
 * into typed arrays: no object per sample is kept.
 */
export class BatchCollector {
  readonly builder: SampleBatchBuilder;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #maxQueued: number;
  readonly #queue: SampleBatch[] = [];
  #timer: NodeJS.Timeout | null = null;
  #waiter: ((batch: SampleBatch | null) => void) | null = null;
  #closed = false;
  droppedBatches = 0;
  droppedSamples = 0;

  constructor(options: BatchCollectorOptions = {}) {
    this.#flushMs = options.flushMs ?? 50;
    this.#maxBatch = options.maxBatch ?? 5000;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.builder = new SampleBatchBuilder(Math.min(this.#maxBatch, 4096));
  }

  /** Call after pushing into `builder`: flushes when full, else arms the flush timer. */
  pushed(): void {
    if (this.builder.length >= this.#maxBatch) this.flush();
    else if (!this.#timer && this.builder.length > 0) this.#timer = setTimeout(() => this.flush(), this.#flushMs);
  }

  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.builder.length === 0 || this.#closed) return;
    const batch = this.builder.build();
    this.builder.clear();
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(batch);
      return;
    }
    this.#queue.push(batch);
    if (this.#queue.length > this.#maxQueued) {
      const dropped = this.#queue.shift()!;
      this.droppedBatches++;
      this.droppedSamples += dropped.length;
    }
  }

  /** The next batch, or null once closed. */
  next(): Promise<SampleBatch | null> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Flushes what was collected, then ends `next()` once the queue is drained. */
  close(): void {
    this.flush();
    this.#closed = true;
    const w = this.#waiter;
    this.#waiter = null;
    w?.(null);
  }
}
