import type { FabrikEvent } from './event.js';
import type { SampleBatch } from './sample-batch.js';

export interface BusTopics {
  /** Samples after the pipeline, once stored. */
  samples: SampleBatch;
  /**
   * Samples leaving the pipeline into the ingest queue, before the store's
   * commit: for evaluations that must not wait for it (SPC, alarms). A sample
   * seen here may still be lost (queue overflow, crash) before it is stored.
   */
  processed: SampleBatch;
  events: FabrikEvent;
}

type Handler<T> = (message: T) => void;

/**
 * In-process publish/subscribe with the same shape as the site's MQTT
 * namespace between processes. Handlers run synchronously and must be quick;
 * one that throws is reported and does not stop the others.
 */
export class Bus {
  #handlers: { [K in keyof BusTopics]: Set<Handler<BusTopics[K]>> } = {
    samples: new Set(),
    processed: new Set(),
    events: new Set(),
  };
  #onError: (err: unknown, topic: string) => void;

  constructor(onError: (err: unknown, topic: string) => void = () => {}) {
    this.#onError = onError;
  }

  subscribe<K extends keyof BusTopics>(topic: K, handler: Handler<BusTopics[K]>): () => void {
    const set = this.#handlers[topic] as Set<Handler<BusTopics[K]>>;
    set.add(handler);
    return () => set.delete(handler);
  }

  publish<K extends keyof BusTopics>(topic: K, message: BusTopics[K]): void {
    for (const handler of this.#handlers[topic] as Set<Handler<BusTopics[K]>>) {
      try {
        handler(message);
      } catch (err) {
        this.#onError(err, topic);
      }
    }
  }
}
