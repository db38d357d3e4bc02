import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality, createEvent } from '../core/index.js';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode();
});
afterAll(() => node.stop());

const ids = async (path: string) => ((await (await node.get(path, node.tokens.viewer)).json()) as { tags: { id: string }[] }).tags.map((t) => t.id);

describe('GET /api/v1/tags', () => {
  it('filters by asset path prefix and by substring', async () => {
    expect(await ids('/api/v1/tags')).toHaveLength(4);
    expect(await ids('/api/v1/tags?asset=acme/p1/pack/line1')).toEqual(['line1.filler.temp', 'line1.filler.level', 'line1.capper.running']);
    expect(await ids('/api/v1/tags?asset=acme/p1/pack/line1/filler/')).toEqual(['line1.filler.temp', 'line1.filler.level']);
    // a prefix matches whole segments only
    expect(await ids('/api/v1/tags?asset=acme/p1/pack/line')).toEqual([]);
    expect(await ids('/api/v1/tags?q=TEMP')).toEqual(['line1.filler.temp', 'line2.filler.temp']);
    expect(await ids('/api/v1/tags?q=bowl')).toEqual(['line1.filler.temp']);
  });
});

describe('GET /api/v1/tags/:id/latest', () => {
  it('answers the latest value with its quality', async () => {
    node.latest.set(0, { tag: 0, ts: Date.UTC(2024, 0, 1), value: 71.5, quality: Quality.UncertainEuExceeded });
    node.latest.set(2, { tag: 2, ts: Date.UTC(2024, 0, 1), value: 1, quality: Quality.Good });
    expect(await (await node.get('/api/v1/tags/line1.filler.temp/latest', node.tokens.viewer)).json()).toEqual({
      tag: 'line1.filler.temp',
      ts: '2024-01-01T00:00:00.000Z',
      value: 71.5,
      quality: 'uncertain',
      qualityCode: 84,
    });
    expect(await (await node.get('/api/v1/tags/line1.capper.running/latest', node.tokens.viewer)).json()).toMatchObject({ value: true, quality: 'good' });
  });

  it('tells an unknown tag from a tag without value', async () => {
    const unknown = await node.get('/api/v1/tags/no.such.tag/latest', node.tokens.viewer);
    expect(unknown.status).toBe(404);
    const u = (await unknown.json()) as { error: { code: string; message: string } };
    expect(u.error.code).toBe('TAG_NOT_FOUND');
    expect(u.error.message).toContain('no.such.tag');
    const empty = await node.get('/api/v1/tags/line2.filler.temp/latest', node.tokens.viewer);
    expect(empty.status).toBe(404);
    expect(await empty.json()).toMatchObject({ error: { code: 'TAG_NO_VALUE' } });
  });
});

describe('GET /api/v1/events', () => {
  it('filters by time (ISO or epoch ms), kind and tag', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    node.events.push(
      createEvent({ kind: 'spc.violation', ts: t0, assetPath: 'acme/p1', severity: 'high', tag: 'line1.filler.temp', message: 'rule 1' }),
      createEvent({ kind: 'alarm.active', ts: t0 + 60_000, assetPath: 'acme/p1', severity: 'low', message: 'hi' }),
    );
    const get = async (qs: string) => ((await (await node.get(`/api/v1/events?${qs}`, node.tokens.viewer)).json()) as { events: { kind: string; ts: string }[] }).events;
    expect(await get('')).toHaveLength(2);
    expect((await get(`from=${t0 + 1}`)).map((e) => e.kind)).toEqual(['alarm.active']);
    expect((await get('to=2024-01-01T00:00:30Z')).map((e) => e.kind)).toEqual(['spc.violation']);
    expect(await get('kind=alarm.active')).toHaveLength(1);
    expect(await get('tag=line1.filler.temp')).toHaveLength(1);
    expect(await get('limit=1')).toHaveLength(1);
    expect((await get('kind=spc.violation'))[0]?.ts).toBe('2024-01-01T00:00:00.000Z');
  });

  it('answers 400 for invalid parameters', async () => {
    for (const qs of ['from=yesterday', 'limit=0', 'limit=abc', 'limit=100000', 'from=2024-02-01&to=2024-01-01', 'kind=a%20b']) {
      const res = await node.get(`/api/v1/events?${qs}`, node.tokens.viewer);
      expect(res.status, qs).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'QUERY_PARAMS_INVALID' } });
    }
  });
});
