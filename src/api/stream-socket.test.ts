import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Quality, batchFromSamples, createEvent } from '../core/index.js';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode();
});
afterAll(() => node.stop());

interface Frame {
  type: string;
  [k: string]: unknown;
}

/** A real ws client that queues frames so a test can await them in order. */
async function connect(query = '', headers: Record<string, string> = { authorization: `Bearer ${node.tokens.viewer}` }) {
  const ws = new WebSocket(`${node.server.url.replace('http', 'ws')}/api/v1/stream${query}`, { headers });
  const frames: Frame[] = [];
  const waiters: ((f: Frame) => void)[] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as Frame;
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (): Promise<Frame> =>
    frames.length > 0
      ? Promise.resolve(frames.shift()!)
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no frame within 2 s')), 2000);
          waiters.push((f) => {
            clearTimeout(timer);
            resolve(f);
          });
        });
  return { ws, next, frames, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

const rejection = (url: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
  });

describe('WebSocket /api/v1/stream', () => {
  it('rejects the upgrade with 401 without a valid token, and 404 elsewhere', async () => {
    const base = node.server.url.replace('http', 'ws');
    expect(await rejection(`${base}/api/v1/stream`)).toBe(401);
    expect(await rejection(`${base}/api/v1/stream?token=fbk_bad`)).toBe(401);
    expect(await rejection(`${base}/api/v1/stream`, { authorization: 'Bearer nope' })).toBe(401);
    expect(await rejection(`${base}/elsewhere?token=${node.tokens.viewer}`)).toBe(404);
  });

  it('accepts the token in the query string', async () => {
    const c = await connect(`?token=${encodeURIComponent(node.tokens.viewer)}`, {});
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('pushes only subscribed tags, and events once asked', async () => {
    const c = await connect();
    c.send({ type: 'subscribe', tags: ['line1.filler.*', 'line1.capper.running', 'no.such.tag'] });
    expect(await c.next()).toEqual({
      type: 'subscribed',
      tags: ['line1.filler.*', 'line1.capper.running', 'no.such.tag'],
      events: false,
      unknown: ['no.such.tag'],
    });
    node.deps.bus.publish('events', createEvent({ kind: 'alarm.active', assetPath: 'acme/p1', severity: 'low', message: 'not yet' }));
    node.deps.bus.publish(
      'samples',
      batchFromSamples([
        { tag: 0, ts: 1000, value: 20.5, quality: Quality.Good, arrival: 1001 },
        { tag: 3, ts: 1000, value: 99, quality: Quality.Good },
        { tag: 2, ts: 1000, value: 0, quality: Quality.BadCommFailure },
      ]),
    );
    expect(await c.next()).toEqual({
      type: 'samples',
      samples: [
        { tag: 'line1.filler.temp', ts: 1000, value: 20.5, quality: 'good', qualityCode: 192, arrival: 1001 },
        { tag: 'line1.capper.running', ts: 1000, value: false, quality: 'bad', qualityCode: 24, arrival: 1000 },
      ],
    });
    // a batch with nothing subscribed sends nothing; the event frame below is the next one
    node.deps.bus.publish('samples', batchFromSamples([{ tag: 3, ts: 2000, value: 1, quality: Quality.Good }]));
    c.send({ type: 'subscribe', events: true });
    expect(await c.next()).toMatchObject({ type: 'subscribed', events: true });
    node.deps.bus.publish('events', createEvent({ kind: 'spc.violation', ts: 0, assetPath: 'acme/p1', severity: 'high', message: 'rule 1' }));
    expect(await c.next()).toMatchObject({ type: 'event', event: { kind: 'spc.violation', ts: '1970-01-01T00:00:00.000Z' } });

    c.send({ type: 'unsubscribe', tags: ['line1.filler.*'] });
    expect(await c.next()).toMatchObject({ type: 'subscribed', tags: ['line1.capper.running', 'no.such.tag'] });
    node.deps.bus.publish('samples', batchFromSamples([{ tag: 0, ts: 3000, value: 1, quality: Quality.Good }, { tag: 2, ts: 3000, value: 1, quality: Quality.Good }]));
    expect(await c.next()).toMatchObject({ type: 'samples', samples: [{ tag: 'line1.capper.running', value: true }] });
    c.ws.close();
  });

  it('adds enrichment context for clients that ask for it', async () => {
    node.deps.enrich = (batch, i) => ({ assetPath: node.deps.tags.get(batch.tag[i]!)?.assetPath, shift: 'A' });
    try {
      const c = await connect();
      c.send({ type: 'subscribe', tags: ['line2.filler.temp'], context: true });
      await c.next();
      node.deps.bus.publish('samples', batchFromSamples([{ tag: 3, ts: 1, value: 5, quality: Quality.Good }]));
      expect(await c.next()).toMatchObject({ samples: [{ tag: 'line2.filler.temp', context: { assetPath: 'acme/p1/pack/line2/filler', shift: 'A' } }] });
      c.ws.close();
    } finally {
      delete node.deps.enrich;
    }
  });

  it('answers bad messages with an error frame and stays open', async () => {
    const c = await connect();
    for (const bad of ['not json', '{"type":"dance"}', '{"type":"subscribe","tags":"x"}', Buffer.from([1, 2, 3])]) {
      if (typeof bad === 'string') c.send(bad);
      else c.ws.send(bad);
      const f = await c.next();
      expect(f.type).toBe('error');
      expect((f.error as { code: string }).code).toMatch(/^STREAM_MESSAGE_/);
    }
    c.send({ type: 'subscribe', tags: ['line2.*'] });
    expect(await c.next()).toMatchObject({ type: 'subscribed', tags: ['line2.*'] });
    c.ws.close();
  });

  it('counts clients in the metrics', async () => {
    const c = await connect();
    const text = await (await node.get('/metrics')).text();
    expect(text).toMatch(/fabrik_ws_clients [1-9]/);
    expect(text).toContain('fabrik_ws_dropped_messages_total');
    c.ws.close();
  });
});

describe('slow and dead clients', () => {
  it('drops (and counts) frames beyond the send buffer bound, then says how many', async () => {
    const slow = await startTestNode({ stream: { maxBufferedBytes: 0 } });
    try {
      const ws = new WebSocket(`${slow.server.url.replace('http', 'ws')}/api/v1/stream?token=${slow.tokens.viewer}`);
      const frames: Frame[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'subscribe', tags: ['*'] }));
      await until(() => frames.some((f) => f.type === 'subscribed'));
      // A large burst: the first send fills the buffer, the rest of the synchronous burst is dropped.
      const big = batchFromSamples(Array.from({ length: 5000 }, (_, i) => ({ tag: 0, ts: i, value: i, quality: Quality.Good })));
      for (let i = 0; i < 20; i++) slow.deps.bus.publish('samples', big);
      // The count is reported with the first message sent once the buffer has drained.
      const small = batchFromSamples([{ tag: 1, ts: 1, value: 1, quality: Quality.Good }]);
      await until(() => {
        slow.deps.bus.publish('samples', small);
        return frames.some((f) => f.type === 'dropped');
      });
      expect(frames.find((f) => f.type === 'dropped')).toMatchObject({ type: 'dropped' });
      expect(await (await slow.get('/metrics')).text()).toMatch(/fabrik_ws_dropped_messages_total [1-9]/);
      ws.close();
    } finally {
      await slow.stop();
    }
  });

  it('terminates a socket that stops answering pings', async () => {
    const hb = await startTestNode({ stream: { heartbeatMs: 50 } });
    try {
      const ws = new WebSocket(`${hb.server.url.replace('http', 'ws')}/api/v1/stream?token=${hb.tokens.viewer}`, { autoPong: false });
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      await new Promise((r) => ws.once('open', r));
      expect(await closed).toBe(1006);
    } finally {
      await hb.stop();
    }
  });
});

/** Polls `ok` every 50 ms until it holds; fails after 10 s. */
async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
