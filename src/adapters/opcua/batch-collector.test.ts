import { describe, expect, it } from 'vitest';
import { BatchCollector } from './batch-collector.js';

describe('BatchCollector', () => {
  it('flushes on size and on time, in order', async () => {
    const c = new BatchCollector({ maxBatch: 3, flushMs: 20 });
    for (let i = 0; i < 4; i++) {
      c.builder.push(i, 1000 + i, i, 192, 2000);
      c.pushed();
    }
    expect((await c.next())!.length).toBe(3);
    const t0 = Date.now();
    const b = (await c.next())!;
    expect(b.length).toBe(1);
    expect(b.tag[0]).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(10);
  });

  it('drops the oldest batches beyond the bound and counts them', async () => {
    const c = new BatchCollector({ maxBatch: 1, maxQueued: 2 });
    for (let i = 0; i < 5; i++) {
      c.builder.push(i, i, i, 192);
      c.pushed();
    }
    expect(c.droppedBatches).toBe(3);
    expect((await c.next())!.tag[0]).toBe(3);
  });

  it('ends a waiting consumer on close after delivering what is left', async () => {
    const c = new BatchCollector();
    const waiting = c.next();
    c.close();
    await expect(waiting).resolves.toBeNull();
    const d = new BatchCollector();
    d.builder.push(1, 1, 1, 192);
    d.pushed();
    d.close();
    expect((await d.next())!.length).toBe(1);
    expect(await d.next()).toBeNull();
  });
});
