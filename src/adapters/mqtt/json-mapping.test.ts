import { describe, expect, it } from 'vitest';
import { Quality, sampleAt, SampleBatchBuilder } from '../../core/index.js';
import type { BadInputCause } from './bad-input.js';
import { JsonMapping } from './json-mapping.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('JSON payload mapping', () => {
  const mapping = new JsonMapping([
    { tag: 0, type: 'number', topic: 'plant/+/temp', field: '$.v', timestampField: '$.ts' },
    { tag: 1, type: 'boolean', topic: 'plant/+/temp', field: '$.ok' },
    { tag: 2, type: 'string', topic: 'plant/l1/batch' },
  ]);
  const apply = (topic: string, payload: string) => {
    const out = new SampleBatchBuilder();
    const issues: BadInputCause[] = [];
    mapping.handle(topic, bytes(payload), 5000, out, (c) => issues.push(c));
    const b = out.build();
    return { samples: Array.from({ length: b.length }, (_, i) => sampleAt(b, i)), issues };
  };

  it('fans one message out to every matching binding, with the source time', () => {
    expect(apply('plant/l2/temp', '{"v":"21.5","ok":true,"ts":"1970-01-01T00:00:01Z"}').samples).toEqual([
      { tag: 0, ts: 1000, value: 21.5, quality: Quality.Good, arrival: 5000 },
      { tag: 1, ts: 5000, value: 1, quality: Quality.Good, arrival: 5000 },
    ]);
    expect(apply('plant/l1/batch', '"B-7"').samples[0]!.value).toBe('B-7');
  });

  it('names what it could not use, per binding, and keeps the rest', () => {
    expect(apply('other/topic', '{}').issues).toEqual(['unmapped-topic']);
    expect(apply('plant/l1/temp', '{"v":').issues).toEqual(['malformed-payload']);
    const partial = apply('plant/l1/temp', '{"v":3,"ts":"yesterday"}');
    expect(partial.issues).toEqual(['bad-timestamp', 'missing-field']);
    expect(partial.samples).toEqual([{ tag: 0, ts: 5000, value: 3, quality: Quality.Good, arrival: 5000 }]);
    expect(apply('plant/l1/temp', '{"v":{"x":1},"ok":2}').issues).toEqual(['wrong-type', 'wrong-type']);
  });

  it('refuses bad selectors and patterns when built', () => {
    expect(() => new JsonMapping([{ tag: 0, type: 'number', topic: 'a/#/b' }])).toThrow(expect.objectContaining({ code: 'MQTT_BAD_TOPIC_PATTERN' }));
    expect(() => new JsonMapping([{ tag: 0, type: 'number', topic: 'a', field: '$..x' }])).toThrow(expect.objectContaining({ code: 'MQTT_BAD_SELECTOR' }));
  });
});
