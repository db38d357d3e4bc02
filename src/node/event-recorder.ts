import type { Logger } from 'pino';
import type { Bus, FabrikEvent } from '../core/index.js';
import { backoffDelay, sleep } from './backoff.js';

/** What the recorder needs of the store. */
export interface EventSink {
  writeEvents(events: FabrikEvent[]): Promise<void>;
}

export interface EventRecorderOptions {
  bus: Bus;
  sink: EventSink;
  logger: Logger;
  onStored?: (count: number) => void;
  /** A write that failed for good: the event was published but is not in the store. */
  onLost?: (count: number) => void;
  /** Write attempts per event before it is given up. Default 6 (about 6 s of backoff). */
  maxAttempts?: number;
}

/**
 * Records the node's events: each is published on the bus at once (the
 * WebSocket, webhooks, MQTT and sync see it within the evaluation's tick) and
 * written to the store in the background. Writes enter the store's group
 * commit in the order events were recorded; a failed write is retried with
 * backoff, and one that keeps failing is logged and counted, never thrown.
 */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #maxAttempts: number;
  readonly #writing = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  /** Events not stored because every attempt failed. */
  lost = 0;

  constructor(opts: EventRecorderOptions) {
    this.#o = opts;
    this.#maxAttempts = opts.maxAttempts ?? 6;
  }

  /** Publishes `event`, then stores it in the background. */
  record(event: FabrikEvent): void {
    this.#o.bus.publish('events', event);
    const write = this.#store([event]).finally(() => this.#writing.delete(write));
    this.#writing.add(write);
  }

  /** Resolves when every event recorded so far is stored (or given up). */
  async settled(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all(this.#writing);
  }

  /** Stops retrying and waits for the writes in flight: for shutdown, after the last event was recorded. */
  async close(): Promise<void> {
    await Promise.race([this.settled(), sleep(5_000)]);
    this.#abort.abort();
    await this.settled();
  }

  async #store(events: FabrikEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.sink.writeEvents(events);
        this.#o.onStored?.(events.length);
        return;
      } catch (err) {
        const last = attempt >= this.#maxAttempts || this.#abort.signal.aborted || (err as { code?: unknown }).code === 'STORE_CLOSED';
        const kinds = events.map((e) => e.kind);
        if (last) {
          this.lost += events.length;
          this.#o.onLost?.(events.length);
          this.#o.logger.error({ err: (err as Error).message, kinds, attempts: attempt }, 'storing an event failed for good; it was published but is not in the store');
          return;
        }
        const delay = backoffDelay(attempt - 1, { initialMs: 100, maxMs: 2_000, factor: 2 });
        this.#o.logger.warn({ err: (err as Error).message, kinds, retryInMs: delay }, 'storing an event failed; retrying');
        await sleep(delay, this.#abort.signal);
      }
    }
  }
}
