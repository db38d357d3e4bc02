import type { ComponentHealth } from './health.js';
import type { SampleBatch } from './sample-batch.js';

/**
 * A source of samples (adapter, simulator). `batches()` yields until `close()`;
 * a throw means the source failed, and the supervisor restarts it with backoff.
 * The consumer awaits each batch before pulling the next, which is the backpressure.
 */
export interface Source {
  readonly name: string;
  batches(): AsyncIterable<SampleBatch>;
  close(): Promise<void>;
  health(): ComponentHealth;
}

/** A stage of the pipeline: batch in, batch out. Stateful stages keep state per tag. */
export interface Processor {
  readonly name: string;
  process(batch: SampleBatch): SampleBatch;
  /** Emits what time alone releases (heartbeats, closed windows); `now` is epoch ms. */
  tick?(now: number): SampleBatch | null;
}

/** Where batches end up. `write` resolves only once the batch is durable. */
export interface Sink {
  readonly name: string;
  write(batch: SampleBatch): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  health(): ComponentHealth;
}

/** What a write-back returns: the value read back from the device after writing. */
export interface WriteResult {
  value: number | boolean | string;
  quality: number;
  /** Epoch ms of the read-back. */
  ts: number;
}

/**
 * A source that can also write (setpoints, commands). Only tags the site
 * config marks `writable` ever reach `write`; limits are checked before it.
 */
export interface TagWriter {
  write(tagIndex: number, value: number | boolean | string): Promise<WriteResult>;
}

export function isTagWriter(x: unknown): x is TagWriter {
  return typeof (x as { write?: unknown } | null)?.write === 'function';
}
