import { describe, expect, it } from 'vitest';
import { alarmDefinitions, alarmsConfigSchema, type AlarmDefinition } from './alarm-config.js';
import { alarmCondition } from './alarm-condition.js';
import { AlarmState } from './alarm-state.js';

const def = (over: Partial<AlarmDefinition> = {}): AlarmDefinition => ({ id: 't.hi', tag: 't', type: 'hi', priority: 'medium', limit: 10, deadband: 1, onDelay: 0, offDelay: 0, suppressWhen: ['off'], ...over });

/** Feeds values at the given times (ms of a made-up clock) and returns the transitions. */
function run(a: AlarmState, series: [number, number][]): string[] {
  const out: string[] = [];
  for (const [ts, v] of series) {
    const c = a.observe(alarmCondition(a.def, v, {}), v, ts);
    if (c) out.push(`${ts}:${c.transition}`);
  }
  return out;
}

describe('alarm condition', () => {
  it('HI is strictly above the limit and returns only below limit − deadband', () => {
    const d = def();
    expect(alarmCondition(def({ deadband: 0 }), 10, {})).toBe(false);
    expect(alarmCondition(d, 10, {})).toBe(null);
    expect(alarmCondition(d, 10.001, {})).toBe(true);
    expect(alarmCondition(d, 9.5, {})).toBe(null);
    expect(alarmCondition(d, 9, {})).toBe(false);
  });

  it('LO mirrors HI; deviation, rate and discrete use their own measure', () => {
    const lo = def({ type: 'lo', limit: 2, deadband: 0.5 });
    expect([1.9, 2, 2.4, 2.5].map((v) => alarmCondition(lo, v, {}))).toEqual([true, null, null, false]);
    const dev = def({ type: 'deviation', limit: 3, deadband: 0 });
    expect(alarmCondition(dev, 104, { setpoint: 100 })).toBe(true);
    expect(alarmCondition(dev, 97, { setpoint: 100 })).toBe(false);
    expect(alarmCondition(dev, 97, {})).toBe(null);
    const rate = def({ type: 'rate', limit: 3, deadband: 0 });
    expect(alarmCondition(rate, 0, { rate: -3.5 })).toBe(true);
    const discrete = def({ type: 'discrete', values: [3, true], limit: undefined });
    expect([3, 1, 2].map((v) => alarmCondition(discrete, v, {}))).toEqual([true, true, false]);
  });
});

describe('alarm state machine (ISA-18.2)', () => {
  it('goes normal → unacknowledged → acknowledged → normal, with deadband hysteresis', () => {
    const a = new AlarmState(def());
    expect(run(a, [[0, 5], [1000, 11]])).toEqual(['1000:active']);
    expect(a.state).toBe('unacknowledged');
    expect(a.since).toBe(1000);
    a.acknowledge('op', 'seen', 1500);
    expect(a.state).toBe('acknowledged');
    // 9.5 is inside the deadband: still active; 8.9 returns it.
    expect(run(a, [[2000, 9.5], [3000, 8.9]])).toEqual(['3000:returned']);
    expect(a.state).toBe('normal');
  });

  it('returns unacknowledged when the condition clears first, and waits for the acknowledgement', () => {
    const a = new AlarmState(def());
    run(a, [[0, 12], [1000, 5]]);
    expect(a.state).toBe('returned-unacknowledged');
    expect(a.acknowledge('op', '', 2000).transition).toBe('acknowledged');
    expect(a.state).toBe('normal');
    expect(() => a.acknowledge('op', '', 3000)).toThrow(/needs no acknowledgement/);
  });

  it('on-delay filters chatter: the condition must hold the whole delay, in sample time or by tick', () => {
    const a = new AlarmState(def({ onDelay: 5000 }));
    expect(run(a, [[0, 12], [3000, 12], [4000, 5], [6000, 12], [10_000, 12]])).toEqual([]);
    expect(run(a, [[11_000, 12]])).toEqual(['11000:active']);
    const b = new AlarmState(def({ onDelay: 5000 }));
    run(b, [[0, 12]]);
    expect(b.tick(4999)).toEqual([]);
    expect(b.tick(5000).map((c) => c.transition)).toEqual(['active']);
  });

  it('off-delay holds the alarm until the condition stayed clear for the delay', () => {
    const a = new AlarmState(def({ offDelay: 2000 }));
    expect(run(a, [[0, 12], [1000, 5], [2000, 12], [3000, 5], [4000, 5]])).toEqual(['0:active']);
    expect(run(a, [[5000, 5]])).toEqual(['5000:returned']);
  });

  it('shelving expires by itself; unshelving something not shelved is refused', () => {
    const a = new AlarmState(def());
    a.shelve('op', 'maintenance', 60_000, 0);
    expect(a.tick(59_999)).toEqual([]);
    expect(a.tick(60_000)).toEqual([{ transition: 'unshelved', ts: 60_000, actor: 'system', comment: 'shelving expired' }]);
    expect(a.shelvedUntil).toBeUndefined();
    expect(() => a.unshelve('op', '', 61_000)).toThrow(/not shelved/);
  });

  it('design suppression stops evaluation; it is reported only for an alarm that is not normal', () => {
    const a = new AlarmState(def());
    expect(a.suppress(true, 0)).toBeUndefined();
    expect(run(a, [[1000, 50]])).toEqual([]);
    expect(a.active).toBe(false);
    expect(a.suppress(false, 2000)).toBeUndefined();
    expect(run(a, [[3000, 50]])).toEqual(['3000:active']);
    expect(a.suppress(true, 4000)?.transition).toBe('suppressed');
  });

  it('rebuilds its state from journal transitions', () => {
    const a = new AlarmState(def());
    a.replay('active', 100, { value: 12 });
    a.replay('acknowledged', 200, {});
    a.replay('shelved', 300, { until: 9_000 });
    expect(a).toMatchObject({ active: true, acknowledged: true, shelvedUntil: 9_000, since: 100, value: 12 });
    expect(run(a, [[400, 5]])).toEqual(['400:returned']);
  });
});

describe('alarm config', () => {
  it('flattens a tag’s alarms with defaults and overrides', () => {
    const cfg = alarmsConfigSchema.parse({ tags: [{ tag: 'p', lolo: { limit: 1 }, hi: { limit: 8, priority: 'low', onDelay: '1s' }, deadband: 0.1, onDelay: '2s' }] });
    expect(alarmDefinitions(cfg)).toEqual([
      expect.objectContaining({ id: 'p.hi', priority: 'low', onDelay: 1000, deadband: 0.1, limit: 8 }),
      expect.objectContaining({ id: 'p.lolo', priority: 'high', onDelay: 2000 }),
    ]);
  });

  it('says what is wrong with limits out of order, no alarms, or a bad deviation', () => {
    const issues = (x: unknown) => alarmsConfigSchema.safeParse({ tags: [x] }).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ tag: 'p', lo: { limit: 9 }, hi: { limit: 8 } })[0]).toMatch(/rise strictly/);
    expect(issues({ tag: 'p' })[0]).toMatch(/name no alarm/);
    expect(issues({ tag: 'p', deviation: { limit: 2 } })[0]).toMatch(/exactly one of setpoint or setpointTag/);
    expect(issues({ tag: 'p', hi: { limit: 8 }, onDelay: 'soon' })[0]).toMatch(/not a duration/);
  });
});
