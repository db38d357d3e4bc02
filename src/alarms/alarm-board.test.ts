import { describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder, TagRegistry, type FabrikEvent, type TagDefinition } from '../core/index.js';
import { AlarmBoard } from './alarm-board.js';
import { alarmDefinitions, alarmsConfigSchema } from './alarm-config.js';

const MACHINE = 'acme/p1/line1/filler';

function tagDef(id: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return { id, assetPath: MACHINE, point: id, dataType: 'number', unit: '°C', description: id, retentionClass: 'standard', source: 'test', writable: false, ...extra };
}

function board(alarms: unknown[], clock = { now: 0 }, opts: { machines?: boolean } = {}) {
  const tags = new TagRegistry();
  for (const id of ['temp', 'state', 'sp', 'level']) tags.define(tagDef(id));
  const config = alarmsConfigSchema.parse({ tags: alarms, floodThreshold: 2 });
  const events: FabrikEvent[] = [];
  const b = new AlarmBoard({
    definitions: alarmDefinitions(config),
    config,
    tags,
    assets: opts.machines === false ? [] : [{ path: MACHINE, stateTag: 'state', stateMap: { '0': 'off', '2': 'running' } }],
    emit: (e) => events.push(e),
    now: () => clock.now,
  });
  const feed = (rows: [string, number, number, number?][]) => {
    const bb = new SampleBatchBuilder();
    for (const [id, ts, v, q] of rows) bb.push(tags.index(id)!, ts, v, q ?? Quality.Good);
    b.process(bb.build());
  };
  return { b, events, feed, clock, kinds: () => events.map((e) => `${e.payload['alarm']}:${e.kind}`) };
}

describe('alarm board', () => {
  it('raises an event per transition, naming alarm, value, limit and priority', () => {
    const { feed, events, b } = board([{ tag: 'temp', hi: { limit: 10 }, hihi: { limit: 15 } }]);
    feed([['temp', 1000, 5], ['temp', 2000, 12], ['temp', 3000, 16], ['temp', 4000, 4]]);
    expect(events.map((e) => `${e.ts} ${e.kind} ${e.payload['alarm']} ${e.severity}`)).toEqual([
      '2000 alarm.active temp.hi medium',
      '3000 alarm.active temp.hihi high',
      '4000 alarm.returned temp.hihi info',
      '4000 alarm.returned temp.hi info',
    ]);
    expect(events[0]).toMatchObject({ tag: 'temp', assetPath: MACHINE, payload: { value: 12, limit: 10, priority: 'medium' } });
    expect(events[0]!.message).toBe('temp high (HI): above 10 °C');
    expect(b.list('unacked').map((a) => a.id)).toEqual(['temp.hihi', 'temp.hi']);
    expect(b.list('active')).toEqual([]);
  });

  it('skips bad-quality samples: a broken sensor neither raises nor clears an alarm', () => {
    const { feed, kinds } = board([{ tag: 'temp', hi: { limit: 10 } }]);
    feed([['temp', 1000, 50, Quality.Bad], ['temp', 2000, 12], ['temp', 3000, 0, Quality.Bad]]);
    expect(kinds()).toEqual(['temp.hi:alarm.active']);
  });

  it('suppresses by design while the machine is off, and stops suppressing when it runs', () => {
    const { feed, kinds, b } = board([{ tag: 'temp', hi: { limit: 10 } }]);
    feed([['state', 1000, 0], ['temp', 1000, 50]]);
    expect(kinds()).toEqual([]);
    expect(b.list('configured')[0]).toMatchObject({ suppressed: true, active: false });
    feed([['state', 2000, 2], ['temp', 2000, 50]]);
    expect(kinds()).toEqual(['temp.hi:alarm.active']);
    feed([['state', 3000, 0]]);
    expect(kinds()).toEqual(['temp.hi:alarm.active', 'temp.hi:alarm.suppressed']);
    expect(b.list('unacked')).toEqual([]);
    expect(b.list('suppressed').map((a) => a.id)).toEqual(['temp.hi']);
  });

  it('rate of change is per configured unit between consecutive samples', () => {
    const { feed, kinds } = board([{ tag: 'level', rate: { limit: 6, per: '1m' } }]);
    // +0.05 per second = 3 per minute; then +0.2 per second = 12 per minute.
    feed([['level', 0, 10], ['level', 1000, 10.05], ['level', 2000, 10.25], ['level', 3000, 10.26]]);
    expect(kinds()).toEqual(['level.rate:alarm.active', 'level.rate:alarm.returned']);
  });

  it('deviation follows a setpoint tag (with and without machine states)', () => {
    for (const machines of [true, false]) {
      const { feed, kinds } = board([{ tag: 'temp', deviation: { setpointTag: 'sp', limit: 2 } }], { now: 0 }, { machines });
      feed([['sp', 0, 4], ['temp', 0, 5], ['sp', 1000, 8], ['temp', 1000, 5], ['temp', 2000, 7.5]]);
      expect(kinds()).toEqual(['temp.deviation:alarm.active', 'temp.deviation:alarm.returned']);
    }
  });

  it('acknowledges, shelves with a limit on the time, and expires shelving on tick', () => {
    const { feed, kinds, b, clock, events } = board([{ tag: 'temp', hi: { limit: 10 } }]);
    feed([['temp', 0, 12]]);
    clock.now = 5000;
    expect(b.acknowledge('temp.hi', 'ann (t1)', 'checked').acknowledged).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'alarm.acknowledged', ts: 5000, payload: { actor: 'ann (t1)', comment: 'checked' } });
    expect(() => b.shelve('temp.hi', 'ann', 'x', 60 * 24)).toThrow(/at most 480 minutes/);
    expect(b.shelve('temp.hi', 'ann', 'maintenance', 10).shelvedUntil).toBe(605_000);
    expect(b.list('shelved').map((a) => a.id)).toEqual(['temp.hi']);
    clock.now = 605_000;
    b.tick();
    expect(kinds().slice(-2)).toEqual(['temp.hi:alarm.shelved', 'temp.hi:alarm.unshelved']);
    expect(() => b.acknowledge('nope', 'ann', '')).toThrow(/no alarm "nope"/);
  });

  it('counts alarms per operator area per 10 minutes against the flood threshold', () => {
    const { feed, b, clock } = board([{ tag: 'temp', hi: { limit: 10 } }]);
    for (let i = 0; i < 3; i++) feed([['temp', i * 2000, 12], ['temp', i * 2000 + 1000, 5]]);
    clock.now = 6000;
    expect(b.rates()).toEqual([{ area: 'acme/p1/line1', last10Minutes: 3, flood: true, floodPeriods24h: 1, periodsWithAlarms24h: 1, peak10Minutes24h: 3 }]);
  });

  it('rebuilds from its own journal after a restart', () => {
    const first = board([{ tag: 'temp', hi: { limit: 10 } }]);
    first.feed([['temp', 0, 12]]);
    first.b.shelve('temp.hi', 'ann', 'x', 30);
    const second = board([{ tag: 'temp', hi: { limit: 10 } }]);
    second.b.restore(first.events);
    expect(second.b.list('configured')[0]).toMatchObject({ active: true, acknowledged: false, shelvedUntil: 1_800_000, since: 0, value: 12 });
    second.feed([['temp', 1000, 12]]);
    expect(second.events).toEqual([]);
  });
});
