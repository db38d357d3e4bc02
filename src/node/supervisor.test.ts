import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { batchFromSamples, Quality, type ComponentHealth, type SampleBatch, type Source } from '../core/index.js';
import { Supervisor } from './supervisor.js';

/** A source that fails on its first `failures` starts, then yields `batches` batches and idles. */
function flakySource(state: { starts: number }, failures: number, batches: number): Source {
  let closed = false;
  return {
    name: 'flaky',
    async *batches(): AsyncIterable<SampleBatch> {
      state.starts++;
      if (state.starts <= failures) throw new Error(`connection refused (start ${state.starts})`);
      for (let i = 0; i < batches && !closed; i++) yield batchFromSamples([{ tag: 0, ts: Date.now(), value: i, quality: Quality.Good }]);
      while (!closed) await new Promise((r) => setTimeout(r, 5));
    },
    async close() {
      closed = true;
    },
    health: (): ComponentHealth => ({ state: 'up', since: 0 }),
  };
}

const fastBackoff = { initialMs: 5, maxMs: 20, factor: 2 };

describe('Supervisor', () => {
  it('restarts a failing source with backoff and reports restarts in health', async () => {
    const state = { starts: 0 };
    const got: number[] = [];
    const sup = new Supervisor({ logger: pino({ level: 'silent' }), backoff: fastBackoff, onBatch: (b) => got.push(b.value[0]!) });
    sup.add('plc1', () => flakySource(state, 2, 3));
    for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([0, 1, 2]);
    expect(state.starts).toBe(3);
    const h = sup.health()['plc1']!;
    expect(h.state).toBe('up');
    expect(h.restarts).toBe(2);
    await sup.stop();
    expect(sup.health()['plc1']!.state).toBe('stopped');
  });

  it('keeps a source that cannot be created down, with the reason, without stopping the others', async () => {
    const got: string[] = [];
    const sup = new Supervisor({ logger: pino({ level: 'silent' }), backoff: fastBackoff, onBatch: (_b, source) => got.push(source) });
    sup.add('broken', () => {
      throw new Error('unknown NodeId ns=1;s=Nope');
    });
    sup.add('good', () => flakySource({ starts: 0 }, 0, 2));
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['good', 'good']);
    const broken = sup.health()['broken']!;
    expect(broken.state).toBe('down');
    expect(broken.message).toMatch(/unknown NodeId.*restarting in \d+ ms/);
    expect(broken.restarts).toBeGreaterThan(0);
    await sup.stop();
  });

  it('refuses two sources with one name', () => {
    const sup = new Supervisor({ logger: pino({ level: 'silent' }), onBatch: () => {} });
    sup.add('a', () => flakySource({ starts: 0 }, 0, 0));
    expect(() => sup.add('a', () => flakySource({ starts: 0 }, 0, 0))).toThrow(/already supervised/);
    return sup.stop();
  });
});
