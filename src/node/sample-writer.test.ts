import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { batchFromSamples, Quality, type ComponentHealth, type SampleBatch, type Sink } from '../core/index.js';
import { IngestQueue } from '../pipeline/index.js';
import { SampleWriter } from './sample-writer.js';

/** A sink whose first `failures` writes fail, like a store whose disk filled up and was freed. */
class RecoveringSink implements Sink {
  readonly name = 'recovering';
  written: number[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  async write(batch: SampleBatch): Promise<void> {
    this.attempts++;
    if (this.failures-- > 0) throw new Error('disk full');
    for (let i = 0; i < batch.length; i++) this.written.push(batch.value[i]!);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  health = (): ComponentHealth => ({ state: 'up', since: 0 });
}

describe('SampleWriter', () => {
  it('retries a failed write with the same samples, losing none', async () => {
    const queue = new IngestQueue(1000);
    const sink = new RecoveringSink(2);
    let stored = 0;
    let errors = 0;
    const writer = new SampleWriter({ queue, sink, logger: pino({ level: 'silent' }), onStored: (b) => (stored += b.length), onError: () => errors++ });
    writer.start();
    queue.push(batchFromSamples([1, 2, 3].map((v) => ({ tag: 0, ts: 1_700_000_000_000 + v, value: v, quality: Quality.Good }))));
    await writer.drain();
    expect(sink.written).toEqual([1, 2, 3]);
    expect(stored).toBe(3);
    expect(errors).toBe(2);
    expect(writer.failures).toBe(0);
  });

  it('drains everything queued before it resolves', async () => {
    const queue = new IngestQueue(100_000);
    const sink = new RecoveringSink(0);
    const writer = new SampleWriter({ queue, sink, logger: pino({ level: 'silent' }), onStored: () => {}, maxBatch: 10 });
    writer.start();
    for (let b = 0; b < 20; b++) queue.push(batchFromSamples(Array.from({ length: 7 }, (_, i) => ({ tag: 0, ts: 1_700_000_000_000 + b * 7 + i, value: b * 7 + i, quality: Quality.Good }))));
    await writer.drain();
    expect(sink.written).toHaveLength(140);
    expect(new Set(sink.written).size).toBe(140);
  });
});
