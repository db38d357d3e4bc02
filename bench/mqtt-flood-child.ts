/**
 * Publishes n messages to a broker as fast as it takes them, in its own
 * process so the publisher's CPU is not counted against the subscriber under
 * test. Args: <url> <json|sparkplug> <n> <prefix>.
 */
import mqtt from 'mqtt';
import { encodeSparkplug, sparkplugTopic } from '../src/adapters/mqtt/index.js';

const [url, kind, count, prefix] = process.argv.slice(2) as [string, 'json' | 'sparkplug', string, string];
const n = Number(count);

/** Message i of the flood (the bench's subscribers expect exactly these). */
function floodMessage(kind: 'json' | 'sparkplug', prefix: string, i: number, data: Buffer[]): { topic: string; payload: Buffer } {
  if (kind === 'json') return { topic: `${prefix}/json/m${i % 100}/temp`, payload: Buffer.from(`{"value":${i % 1000},"ts":${1_700_000_000_000 + i}}`) };
  if (i === 0) return { topic: sparkplugTopic(prefix, 'NBIRTH', 'edge'), payload: Buffer.from(encodeSparkplug({ timestamp: 1, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })) };
  if (i === 1) {
    const metrics = Array.from({ length: 10 }, (_, k) => ({ name: `m${k}`, alias: k + 1, type: 'Double' as const, value: 0 }));
    return { topic: sparkplugTopic(prefix, 'DBIRTH', 'edge', 'dev'), payload: Buffer.from(encodeSparkplug({ timestamp: 1, seq: 1, metrics })) };
  }
  // A DDATA with seq i mod 256 (no gaps after the births) and one metric by alias.
  return { topic: sparkplugTopic(prefix, 'DDATA', 'edge', 'dev'), payload: data[i & 255]! };
}

if (url) {
  const data = Array.from({ length: 256 }, (_, s) => Buffer.from(encodeSparkplug({ timestamp: 1_700_000_000_000 + s, seq: s, metrics: [{ alias: (s % 10) + 1, type: 'Double', value: s * 0.5 }] })));
  const pub = await mqtt.connectAsync(url, { protocolVersion: 4 });
  for (let i = 0; i < n; i++) {
    const m = floodMessage(kind, prefix, i, data);
    pub.publish(m.topic, m.payload, { qos: 0 });
    if (i % 1000 === 999) await new Promise<void>((r) => setImmediate(r));
  }
  await pub.endAsync();
}
