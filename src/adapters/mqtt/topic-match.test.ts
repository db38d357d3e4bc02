import { describe, expect, it } from 'vitest';
import { checkTopicPattern, TopicRouter, topicMatches } from './topic-match.js';
import { parseSparkplugTopic, sparkplugTopic } from './sparkplug-topic.js';

describe('topic matching', () => {
  it.each([
    ['a/b/c', 'a/b/c', true],
    ['a/+/c', 'a/x/c', true],
    ['a/+/c', 'a/x/y/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'anything/at/all', true],
    ['+/+', 'a/b', true],
    ['+/+', 'a', false],
    ['a/b', 'a/b/c', false],
    ['a/+', 'a/', true],
    ['#', '$SYS/broker', false],
    ['$SYS/#', '$SYS/broker', true],
  ])('%s vs %s → %s', (pattern, topic, expected) => {
    expect(topicMatches(pattern, topic)).toBe(expected);
  });

  it('rejects malformed patterns with a typed error', () => {
    expect(() => checkTopicPattern('a/#/b')).toThrow(expect.objectContaining({ code: 'MQTT_BAD_TOPIC_PATTERN' }));
    expect(() => checkTopicPattern('a/b+')).toThrow(expect.objectContaining({ code: 'MQTT_BAD_TOPIC_PATTERN' }));
  });

  it('routes topics to every matching value and caches', () => {
    const r = new TopicRouter<number>(2);
    r.add('plant/+/temp', 1);
    r.add('plant/#', 2);
    expect(r.match('plant/l1/temp')).toEqual([1, 2]);
    expect(r.match('plant/l1/temp')).toEqual([1, 2]);
    expect(r.match('other')).toEqual([]);
    expect(r.match('plant/x')).toEqual([2]);
    expect(r.patterns()).toEqual(['plant/+/temp', 'plant/#']);
  });

  it('parses Sparkplug topics', () => {
    expect(parseSparkplugTopic('spBv1.0/g/NDATA/e')).toEqual({ groupId: 'g', type: 'NDATA', edgeNodeId: 'e' });
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e/d')).toEqual({ groupId: 'g', type: 'DDATA', edgeNodeId: 'e', deviceId: 'd' });
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e')).toBeNull();
    expect(parseSparkplugTopic('spBv1.0/g/NDATA/e/d')).toBeNull();
    expect(parseSparkplugTopic('spBv1.0/STATE/host')).toBeNull();
    expect(parseSparkplugTopic('plant/x/y/z')).toBeNull();
    expect(sparkplugTopic('g', 'NCMD', 'e')).toBe('spBv1.0/g/NCMD/e');
  });
});
