import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createDeadband } from './deadband.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

describe('deadband', () => {
  it('absolute: passes the first sample and changes beyond the band from the last reported value', () => {
    const f = siteFixture([{ id: 'a', deadband: { absolute: 0.5 } }]);
    const ctx = contextFor(f);
    const out = createDeadband(ctx).process(batch([
      [0, T0, 10], [0, T0 + 1, 10.3], [0, T0 + 2, 10.5], [0, T0 + 3, 10.6], [0, T0 + 4, 10.2], [0, T0 + 5, 10.0],
    ]));
    // 10.3 and 10.5 are within 0.5 of 10; 10.6 is not; 10.2 is within 0.5 of 10.6; 10.0 is 0.6 away.
    expect(rows(out).map((r) => r[2])).toEqual([10, 10.6, 10.0]);
    expect(ctx.stats.snapshot().dropped).toEqual({ deadband: 3 });
  });

  it('percent of the engineering span, else of the last value; quality changes always pass', () => {
    const f = siteFixture([
      { id: 'span', low: 0, high: 200, deadband: { percent: 1 } }, // band 2
      { id: 'nospan', deadband: { percent: 10 } }, // band 10 % of last reported
    ]);
    const out = createDeadband(contextFor(f)).process(batch([
      [0, T0, 50], [0, T0 + 1, 51.9], [0, T0 + 2, 52.1], [0, T0 + 3, 52.1, Quality.Uncertain], [0, T0 + 4, 52.1],
      [1, T0, 100], [1, T0 + 1, 109], [1, T0 + 2, 111], [1, T0 + 3, 120],
    ]));
    expect(rows(out).map((r) => [r[0], r[2]])).toEqual([
      [0, 50], [0, 52.1], [0, 52.1], [0, 52.1],
      [1, 100], [1, 111], // 120 is within 10 % of 111
    ]);
  });

  it('heartbeat: a within-band sample passes after maxInterval; tick re-emits the held or last value', () => {
    const f = siteFixture([{ id: 'a', deadband: { absolute: 1, maxInterval: '10s' } }, { id: 'b' }]);
    const ctx = contextFor(f);
    const db = createDeadband(ctx);
    expect(rows(db.process(batch([[0, T0, 5], [0, T0 + 4000, 5.1], [0, T0 + 10_000, 5.2], [0, T0 + 12_000, 5.3]])))
      .map((r) => r[1] - T0)).toEqual([0, 10_000]);
    expect(db.tick(T0 + 19_999)).toBeNull();
    // 5.3 at +12s was held back: the heartbeat releases it with its own timestamp.
    expect(rows(db.tick(T0 + 20_000))).toEqual([[0, T0 + 12_000, 5.3, Quality.Good]]);
    // Nothing new since: the last value again, stamped now.
    expect(rows(db.tick(T0 + 22_000))).toEqual([[0, T0 + 22_000, 5.3, Quality.Good]]);
    expect(db.tick(T0 + 23_000)).toBeNull();
    expect(ctx.stats.snapshot().observed).toEqual({ heartbeat: 3 });
  });

  it('tags without a deadband and text samples pass untouched', () => {
    const f = siteFixture([{ id: 'a' }, { id: 's', type: 'string', deadband: { absolute: 1 } }]);
    const out = createDeadband(contextFor(f)).process(batch([[0, T0, 1], [0, T0 + 1, 1], [1, T0, 'x'], [1, T0 + 1, 'x']]));
    expect(out.length).toBe(4);
  });
});
