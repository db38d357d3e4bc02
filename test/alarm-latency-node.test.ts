import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../src/config/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { demoSiteConfig } from '../src/sim/index.js';

// Alarms must not wait for the store: with a group commit that does not come
// for ten minutes, an alarm still reaches the WebSocket while the sample that
// raised it (and the alarm event itself) are only queued for the store. Both
// are stored once the store commits.

const TAG = 'line1.filler.product_temp';

interface EventFrame {
  type: string;
  event?: { kind: string; ts: string | number; tag?: string };
}

describe('alarms ahead of the store commit', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-alarm-latency-'));
  let node: EdgeNode;

  const demo = demoSiteConfig();
  const start = (): Promise<EdgeNode> =>
    startEdgeNode({ config, dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), seed: 5, tickMs: 100, webRoot: false });
  const config = parseSiteConfig({
      ...demo,
      inference: {},
      spc: { characteristics: [] },
      alarms: { tags: [{ tag: TAG, hi: { limit: 15 } }] },
    store: { commitInterval: '10m', compactEvery: '10m' },
  });
  beforeAll(async () => {
    node = await start();
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const storedSamples = async (ts: number): Promise<number> => {
    const r = await node.store.query(`SELECT count(*) FROM samples WHERE tag = '${TAG}' AND epoch_ms(ts) = ${ts}`, { maxRows: 1, timeoutMs: 30_000 });
    return Number(r.rows[0]![0]);
  };
  const storedAlarms = async (kind = 'alarm.active'): Promise<number> => (await node.store.events({ kind, limit: 10 })).length;

  it('streams the alarm event before the sample that raised it is committed', async () => {
    const ws = new WebSocket(`${node.url.replace('http', 'ws')}/api/v1/stream?token=${encodeURIComponent(node.adminToken.token)}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const alarm = new Promise<{ ts: number; commits: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no alarm.active on the stream within 60 s')), 60_000);
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as EventFrame;
        if (frame.type !== 'event' || frame.event?.kind !== 'alarm.active' || frame.event.tag !== TAG) return;
        clearTimeout(timer);
        // Read the store's commit count in the same tick the frame arrived.
        resolve({ ts: new Date(frame.event.ts).getTime(), commits: node.store.stats().commits });
      });
    });
    ws.send(JSON.stringify({ type: 'subscribe', events: true }));
    await new Promise((r) => setTimeout(r, 200));
    const commitsBefore = node.store.stats().commits;
    node.plant!.injectFault({ address: TAG, kind: 'step', offset: 25, durationMs: 30_000 });

    const seen = await alarm;
    ws.close();
    // No commit happened while the alarm travelled: neither the sample nor the event can be in the store yet.
    expect(seen.commits).toBe(commitsBefore);
    expect(node.store.stats().pendingRows).toBeGreaterThan(0);
    expect(await storedSamples(seen.ts)).toBe(0);
    expect(await storedAlarms()).toBe(0);

    // The store catches up at its commit; the event and its sample are then both there.
    await node.store.flush();
    expect(await storedSamples(seen.ts)).toBe(1);
    expect(await storedAlarms()).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('rebuilds the alarm from the stored event after a restart, without raising it again', async () => {
    const active = await storedAlarms();
    await node.stop();
    // A new node has a new simulated plant, without the fault: the restored alarm returns to normal.
    node = await start();
    const until = Date.now() + 60_000;
    while ((await storedAlarms('alarm.returned')) === 0 && Date.now() < until) {
      await node.store.flush();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await storedAlarms('alarm.returned')).toBe(1);
    expect(await storedAlarms()).toBe(active);
  }, 90_000);
});
