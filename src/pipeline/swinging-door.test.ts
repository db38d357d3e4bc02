import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createSwingingDoor } from './swinging-door.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

const S = 1000; // one "t" below is one second

describe('swinging-door', () => {
  it('archives the points of a hand-worked example (deviation 1)', () => {
    /*
     * Slopes per second from the archived point A; up = max (v − vA − 1)/Δt, low = min (v − vA + 1)/Δt.
     * t0 v0: first sample → archived. A = (0,0).
     * t1 v0: up = −1,    low = 1      held (1,0)
     * t2 v0: up = −0.5,  low = 0.5    held (2,0)
     * t3 v0: up = −1/3,  low = 1/3    held (3,0)
     * t4 v3: up = max(−1/3, 2/4) = 0.5 > low = min(1/3, 4/4) = 1/3 → door closes:
     *        archive held (3,0); A = (3,0); restart with (4,3): up = 2, low = 4        held (4,3)
     * t5 v6: Δt 2: up = max(2, 5/2) = 2.5,  low = min(4, 7/2) = 3.5                       held (5,6)
     * t6 v9: Δt 3: up = max(2.5, 8/3) = 2.67, low = min(3.5, 10/3) = 3.33                 held (6,9)
     * t7 v9: Δt 4: up = max(2.67, 8/4) = 2.67 > low = min(3.33, 10/4) = 2.5 → closes:
     *        archive held (6,9); A = (6,9); restart with (7,9): up = −1, low = 1           held (7,9)
     * t8 v9: Δt 2: up = −0.5, low = 0.5                                                    held (8,9)
     * Archived: (0,0), (3,0), (6,9) — the flat, the ramp, the flat again.
     */
    const f = siteFixture([{ id: 'a', swingingDoor: { deviation: 1 } }]);
    const ctx = contextFor(f);
    const sd = createSwingingDoor(ctx);
    const values = [0, 0, 0, 0, 3, 6, 9, 9, 9];
    const out = sd.process(batch(values.map((v, t) => [0, T0 + t * S, v] as const)));
    expect(rows(out).map((r) => [(r[1] - T0) / S, r[2]])).toEqual([[0, 0], [3, 0], [6, 9]]);
    // No maxInterval: the held (8,9) stays in the door.
    expect(sd.tick(T0 + 100 * S)).toBeNull();
    expect(ctx.stats.snapshot().dropped).toEqual({ compressed: 5 }); // t1, t2, t4, t5, t7
  });

  it('on a quality change emits the held point and the new one; then a NaN run keeps only its ends', () => {
    const f = siteFixture([{ id: 'a', swingingDoor: { deviation: 1 } }]);
    const sd = createSwingingDoor(contextFor(f));
    const B = Quality.BadSensorFailure;
    const out = sd.process(batch([
      [0, T0, 0], [0, T0 + S, 0.1], [0, T0 + 2 * S, 0.2],
      [0, T0 + 3 * S, Number.NaN, B], [0, T0 + 4 * S, Number.NaN, B], [0, T0 + 5 * S, Number.NaN, B],
      [0, T0 + 6 * S, 0.3],
    ]));
    expect(rows(out).map((r) => [(r[1] - T0) / S, r[3]])).toEqual([
      [0, 192], [2, 192], [3, B], [5, B], [6, 192],
    ]);
  });

  it('maxInterval: archives the held point on the next sample or on tick', () => {
    const f = siteFixture([{ id: 'a', swingingDoor: { deviation: 10, maxInterval: '5s' } }, { id: 'b' }]);
    const sd = createSwingingDoor(contextFor(f));
    expect(rows(sd.process(batch([[0, T0, 1], [0, T0 + 2 * S, 1], [0, T0 + 4 * S, 1], [1, T0, 7]]))).map((r) => r[0]))
      .toEqual([0, 1]);
    expect(sd.tick(T0 + 4 * S)).toBeNull();
    expect(rows(sd.tick(T0 + 5 * S))).toEqual([[0, T0 + 4 * S, 1, 192]]);
    expect(rows(sd.process(batch([[0, T0 + 6 * S, 1], [0, T0 + 9 * S, 1], [0, T0 + 10 * S, 1]]))))
      .toEqual([[0, T0 + 6 * S, 1, 192]]); // (9) arrives 5 s after A = (4): the held (6) is archived
  });
});
