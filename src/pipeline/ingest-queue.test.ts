import { describe, expect, it } from 'vitest';
import { IngestQueue } from './ingest-queue.js';
import { T0, batch, rows } from './test-fixture.js';

const seq = (from: number, n: number) => batch(Array.from({ length: n }, (_, i) => [0, T0 + from + i, from + i] as const));
const values = (b: ReturnType<IngestQueue['take']>) => rows(b).map((r) => r[2]);

describe('IngestQueue', () => {
  it('drops the oldest samples beyond the bound and counts them', () => {
    const q = new IngestQueue(5);
    q.push(seq(0, 3));
    q.push(seq(3, 3)); // 6 > 5: sample 0 goes
    expect(q.size).toBe(5);
    q.push(seq(6, 4)); // 9 > 5: samples 1..4 go
    expect(q.size).toBe(5);
    expect(q.stats()).toMatchObject({ pushed: 10, dropped: 5, size: 5, highWater: 5 });
    expect(values(q.take(3))).toEqual([5, 6, 7]);
    expect(values(q.take(100))).toEqual([8, 9]);
    expect(q.take(1)).toBeNull();
    expect(q.stats()).toMatchObject({ taken: 5, size: 0 });
  });

  it('keeps only the newest part of a batch larger than the bound', () => {
    const q = new IngestQueue(3);
    q.push(seq(0, 2));
    q.push(seq(2, 10));
    expect(values(q.take())).toEqual([9, 10, 11]);
    expect(q.stats().dropped).toBe(9);
  });

  it('waitForData resolves on push and on close, rejects on abort', async () => {
    const q = new IngestQueue(10);
    const waiting = q.waitForData();
    q.push(seq(0, 1));
    await expect(waiting).resolves.toBeUndefined();
    q.take();
    const ac = new AbortController();
    const aborted = q.waitForData(ac.signal);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const closing = q.waitForData();
    q.close();
    await expect(closing).resolves.toBeUndefined();
    q.push(seq(0, 2));
    expect(q.stats()).toMatchObject({ size: 0, dropped: 2 });
  });
});
