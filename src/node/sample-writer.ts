import type { Logger } from 'pino';
import type { SampleBatch, Sink } from '../core/index.js';
import type { IngestQueue } from '../pipeline/index.js';
import { backoffDelay, sleep } from './backoff.js';

/**
 * Pulls from the ingest queue and writes to the store. Several writes may be
 * in flight so the store can group them into one durable commit instead of
 * each waiting out a commit interval; `onStored` runs per batch once its
 * commit returned. A failed write keeps its batch and retries with backoff;
 * meanwhile the queue's bound (drop-oldest, counted) keeps memory flat.
 */
export class SampleWriter {
  #queue: IngestQueue;
  #sink: Sink;
  #logger: Logger;
  #onStored: (batch: SampleBatch) => void;
  #onError: () => void;
  #abort = new AbortController();
  #done: Promise<void> | null = null;
  #maxBatch: number;
  #maxInFlight: number;
  #inFlight = new Set<Promise<void>>();
  failures = 0;

  constructor(opts: { queue: IngestQueue; sink: Sink; logger: Logger; onStored: (batch: SampleBatch) => void; onError?: () => void; maxBatch?: number; maxInFlight?: number }) {
    this.#queue = opts.queue;
    this.#sink = opts.sink;
    this.#logger = opts.logger;
    this.#onStored = opts.onStored;
    this.#onError = opts.onError ?? (() => {});
    this.#maxBatch = opts.maxBatch ?? 65_536;
    this.#maxInFlight = opts.maxInFlight ?? 8;
  }

  start(): void {
    this.#done ??= this.#loop();
  }

  /** Closes the queue, writes what is left, and resolves when all of it is stored (or `hardStop` aborts). */
  async drain(): Promise<void> {
    this.#queue.close();
    await this.#done;
  }

  /** Stops retrying (used when the store is gone for good). */
  abort(): void {
    this.#abort.abort();
  }

  /**
   * Resolves when what the queue holds now is stored (or `timeoutMs` passed):
   * for a hand-over that reads the store back, e.g. SPC and alarms restarting
   * on a new config.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#queue.size > 0 && Date.now() < until && !this.#abort.signal.aborted) await sleep(5);
    const rest = Math.max(0, until - Date.now());
    await Promise.race([Promise.all([...this.#inFlight]), sleep(rest, this.#abort.signal)]);
  }

  async #loop(): Promise<void> {
    const q = this.#queue;
    const inFlight = this.#inFlight;
    while (!this.#abort.signal.aborted && (!q.closed || q.size > 0)) {
      if (inFlight.size >= this.#maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      await q.waitForData(this.#abort.signal);
      const batch = q.take(this.#maxBatch);
      if (!batch) continue;
      const write = this.#writeWithRetry(batch).finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    await Promise.all(inFlight);
  }

  async #writeWithRetry(batch: SampleBatch): Promise<void> {
    for (let attempt = 0; !this.#abort.signal.aborted; attempt++) {
      try {
        await this.#sink.write(batch);
        this.failures = 0;
        this.#onStored(batch);
        return;
      } catch (err) {
        this.failures++;
        this.#onError();
        const delay = backoffDelay(attempt, { initialMs: 200, maxMs: 10_000, factor: 2 });
        this.#logger.error({ err: (err as Error).message, samples: batch.length, retryInMs: delay }, 'store write failed; retrying the same batch');
        await sleep(delay, this.#abort.signal);
      }
    }
  }
}
