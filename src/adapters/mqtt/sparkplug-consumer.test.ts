import { describe, expect, it } from 'vitest';
import { Quality, sampleAt, SampleBatchBuilder } from '../../core/index.js';
import type { BadInputCause } from './bad-input.js';
import { decodeSparkplug, encodeSparkplug, type SparkplugPayload } from './sparkplug-codec.js';
import { rebirthCommand, SparkplugConsumer } from './sparkplug-consumer.js';
import { parseSparkplugTopic } from './sparkplug-topic.js';

function setup(holdOff = 5000) {
  const issues: BadInputCause[] = [];
  const consumer = new SparkplugConsumer({
    groupId: 'g',
    bindings: new Map([
      ['e1/d1/temp', [{ tag: 0, type: 'number' }]],
      ['e1/d1/state', [{ tag: 1, type: 'integer' }]],
      ['e1/uptime', [{ tag: 2, type: 'number' }]],
    ]),
    rebirthHoldOffMs: holdOff,
    onIssue: (c) => issues.push(c),
  });
  const send = (topic: string, payload: SparkplugPayload, at = 1000) => {
    const out = new SampleBatchBuilder();
    // Through the codec, so aliases and 64-bit values take the wire path.
    const rebirth = consumer.handle(parseSparkplugTopic(topic)!, decodeSparkplug(encodeSparkplug(payload)), at, out);
    const b = out.build();
    return { rebirth, samples: Array.from({ length: b.length }, (_, i) => sampleAt(b, i)) };
  };
  const births = () => {
    send('spBv1.0/g/NBIRTH/e1', { seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 3 }, { name: 'uptime', alias: 9, type: 'Double', value: 1.5 }] });
    return send('spBv1.0/g/DBIRTH/e1/d1', { seq: 1, timestamp: 500, metrics: [{ name: 'temp', alias: 1, type: 'Float', value: 20.5 }, { name: 'state', alias: 2, type: 'Int32', value: 2 }, { name: 'unbound', alias: 3, type: 'Int32', value: 0 }] });
  };
  return { consumer, issues, send, births };
}

describe('Sparkplug B host state machine', () => {
  it('takes metrics and aliases from births and updates by alias', () => {
    const { send, births, issues } = setup();
    expect(births().samples).toEqual([
      { tag: 0, ts: 500, value: 20.5, quality: Quality.Good, arrival: 1000 },
      { tag: 1, ts: 500, value: 2, quality: Quality.Good, arrival: 1000 },
    ]);
    const data = send('spBv1.0/g/DDATA/e1/d1', { seq: 2, metrics: [{ alias: 1, type: 'Float', value: 21, timestamp: 900 }, { alias: 2, type: 'Int32', value: 3 }] }, 1100);
    expect(data.rebirth).toBeUndefined();
    expect(data.samples.map((s) => [s.tag, s.value, s.ts])).toEqual([[0, 21, 900], [1, 3, 1100]]);
    send('spBv1.0/g/DDATA/e1/d1', { seq: 3, metrics: [{ alias: 77, type: 'Int32', value: 1 }] });
    expect(issues).toEqual(['unknown-metric']);
  });

  it('asks for a rebirth on a sequence gap, at most once per hold-off', () => {
    const { send, births, issues } = setup(5000);
    births();
    const gap = send('spBv1.0/g/DDATA/e1/d1', { seq: 5, metrics: [{ alias: 1, type: 'Float', value: 22 }] }, 2000);
    expect(gap.rebirth).toEqual({ groupId: 'g', edgeNodeId: 'e1' });
    expect(gap.samples).toHaveLength(1); // the data itself is still good
    expect(send('spBv1.0/g/DDATA/e1/d1', { seq: 9, metrics: [] }, 3000).rebirth).toBeUndefined();
    expect(send('spBv1.0/g/DDATA/e1/d1', { seq: 20, metrics: [] }, 7001).rebirth).toBeDefined();
    expect(issues.filter((i) => i === 'sequence-gap')).toHaveLength(3);
    // Sequence numbers wrap from 255 to 0 without a gap.
    const { send: s2, births: b2 } = setup();
    b2();
    for (let seq = 2; seq <= 255; seq++) expect(s2('spBv1.0/g/NDATA/e1', { seq, metrics: [] }).rebirth).toBeUndefined();
    expect(s2('spBv1.0/g/NDATA/e1', { seq: 0, metrics: [] }).rebirth).toBeUndefined();
  });

  it('asks for a rebirth when data comes before a birth', () => {
    const { send, issues } = setup();
    expect(send('spBv1.0/g/NDATA/e1', { seq: 4, metrics: [] }).rebirth).toEqual({ groupId: 'g', edgeNodeId: 'e1' });
    expect(issues).toEqual(['data-before-birth']);
  });

  it('marks every metric bad on NDEATH of the current session and ignores a stale one', () => {
    const { send, births, issues, consumer } = setup();
    births();
    expect(send('spBv1.0/g/NDEATH/e1', { metrics: [{ name: 'bdSeq', type: 'UInt64', value: 2 }] }).samples).toEqual([]);
    expect(issues).toEqual(['stale-death']);
    const death = send('spBv1.0/g/NDEATH/e1', { metrics: [{ name: 'bdSeq', type: 'UInt64', value: 3 }] }, 5000);
    expect(death.samples.map((s) => [s.tag, s.value, s.quality])).toEqual([
      [2, 1.5, Quality.BadNotConnected],
      [0, 20.5, Quality.BadNotConnected],
      [1, 2, Quality.BadNotConnected],
    ]);
    expect(consumer.nodes()).toEqual({ e1: { born: false, devices: 0 } });
  });

  it('maps the Quality property and null values', () => {
    const { send, births } = setup();
    births();
    const d = send('spBv1.0/g/DDATA/e1/d1', { seq: 2, metrics: [{ alias: 1, type: 'Float', value: 1, quality: 500 }, { alias: 2, type: 'Int32', value: null }] });
    expect(d.samples.map((s) => s.quality)).toEqual([Quality.BadLastKnownValue, Quality.Bad]);
  });

  it('builds the NCMD rebirth command', () => {
    const cmd = rebirthCommand({ groupId: 'g', edgeNodeId: 'e1' }, 42);
    expect(cmd.topic).toBe('spBv1.0/g/NCMD/e1');
    expect(decodeSparkplug(cmd.payload).metrics).toEqual([{ name: 'Node Control/Rebirth', type: 'Boolean', value: true, timestamp: 42 }]);
  });

  it('refuses malformed protobuf with a typed error', () => {
    expect(() => decodeSparkplug(new Uint8Array([0xff, 0xff, 0xff, 0x01]))).toThrow(expect.objectContaining({ code: 'SPARKPLUG_MALFORMED' }));
  });
});
