import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createLateData } from './late-data.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

// Tag 0 gets newest = T0+10s; then one sample 5s back (in tolerance), one 20s back (late),
// a duplicate of the last accepted, and tag 1's first sample (its own state).
const series = batch([
  [0, T0 + 10_000, 1],
  [0, T0 + 5_000, 2],
  [0, T0 - 10_000, 3],
  [0, T0 - 10_000, 4],
  [1, T0 - 10_000, 5],
]);

function run(action: string) {
  const f = siteFixture([{ id: 'a' }, { id: 'b' }], { pipeline: { lateData: { maxLateness: '10s', action } } });
  const ctx = contextFor(f);
  return { out: rows(createLateData(ctx).process(series)), stats: ctx.stats.snapshot() };
}

describe('late-data', () => {
  it('accept: keeps late samples as they are, drops the exact duplicate', () => {
    const { out, stats } = run('accept');
    expect(out.map((r) => r[2])).toEqual([1, 2, 3, 5]);
    expect(out.every((r) => r[3] === Quality.Good)).toBe(true);
    expect(stats.dropped).toEqual({ duplicate: 1 });
    expect(stats.observed).toEqual({ late: 1, out_of_order: 1 });
  });

  it('flag: late samples become Uncertain', () => {
    const { out, stats } = run('flag');
    expect(out).toEqual([
      [0, T0 + 10_000, 1, Quality.Good],
      [0, T0 + 5_000, 2, Quality.Good],
      [0, T0 - 10_000, 3, Quality.Uncertain],
      [1, T0 - 10_000, 5, Quality.Good],
    ]);
    expect(stats.flagged).toEqual({ late: 1 });
  });

  it('drop: late samples are dropped and counted; the next same-ts one is late, not a duplicate', () => {
    const { out, stats } = run('drop');
    expect(out.map((r) => r[2])).toEqual([1, 2, 5]);
    expect(stats.dropped).toEqual({ late: 2 });
  });

  it('remembers state across batches', () => {
    const f = siteFixture([{ id: 'a' }]);
    const stage = createLateData(contextFor(f));
    stage.process(batch([[0, T0, 1]]));
    expect(rows(stage.process(batch([[0, T0, 1], [0, T0 + 1, 2]]))).map((r) => r[2])).toEqual([2]);
  });
});
