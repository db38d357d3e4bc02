import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './test-node.js';

describe('GET /api/v1/sync/status', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.stop());

  it('answers the dashboard’s SyncStatus with state "disabled" on a node that syncs to no hub', async () => {
    const res = await node.get('/api/v1/sync/status', node.tokens.viewer);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ enabled: false, backlog: { items: 0, bytes: 0 }, drops: {}, bytesPerSecond: 0, state: 'disabled' });
    expect((await node.get('/api/v1/sync/status')).status).toBe(401);
  });

  it('answers what the running sync reports', async () => {
    node.deps.sync = { status: () => ({ enabled: true, hub: 'http://hub:8090', backlog: { items: 3, bytes: 90, oldestTs: 1 }, drops: { 'raw.cap': 2 }, bytesPerSecond: 5, state: 'backing-off' }) };
    const body = (await (await node.get('/api/v1/sync/status', node.tokens.viewer)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ enabled: true, state: 'backing-off', drops: { 'raw.cap': 2 } });
  });
});
