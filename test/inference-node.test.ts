import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseSiteConfig } from '../src/config/index.js';
import { OnnxGraph } from '../src/hub/training/index.js';
import { BottleCamera, encodeRgbPng } from '../src/sim/index.js';
import { eventually, queryRows, startTestNode, type RunningNode } from './edge-node-fixture.js';

// A real node: simulator → pipeline → DuckDB → bus → inference → store, events over the API and the WebSocket.
const TAG = 'utilities.chiller1.supply_temp';
let n: RunningNode;

beforeAll(async () => {
  const config = parseSiteConfig({
    site: { id: 'itest', name: 'Inference test', enterprise: 'acme' },
    devices: [
      {
        id: 'utilities',
        protocol: 'sim',
        interval: '100ms',
        tags: [{ id: TAG, asset: 'acme/demo/utilities/chiller1', address: TAG, type: 'number', unit: '°C' }],
      },
    ],
    inference: {
      detectors: [{ type: 'robust-z', name: 'chiller', tags: [TAG], warmup: 20, threshold: 8 }],
      models: [{ file: 'models/bottle-inspector.onnx' }],
      cameras: [{ id: 'camera1', asset: 'acme/demo/bottling/line1', model: 'bottle-inspector', source: { type: 'upload' }, maxImageBytes: 200_000, maxPixels: 1_000_000 }],
    },
  });
  n = await startTestNode({ config });
});
afterAll(async () => {
  await n?.close();
});

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('inference in the edge node', () => {
  it('turns an injected simulator fault into an anomaly event on the WebSocket, and the score tag is queryable by SQL', async () => {
    // Enough good samples for the detector to learn the baseline first.
    await eventually(async () => Number((await queryRows(n, `select count(*) from samples where tag = '${TAG}.anomaly_score'`))[0]![0]) >= 5);
    const ws = new WebSocket(`${n.node.url.replace('http', 'ws')}/api/v1/stream?token=${n.token}`);
    const anomaly = new Promise<{ kind: string; tag: string; payload: { tags: string[]; detector: string } }>((resolve) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; event?: { kind: string; tag: string; payload: { tags: string[]; detector: string } } };
        if (frame.type === 'event' && frame.event?.kind === 'anomaly') resolve(frame.event);
      });
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', events: true }));
    await new Promise((r) => setTimeout(r, 100));
    const fault = await n.api('/api/v1/sim/faults', { json: { signal: TAG, type: 'step', magnitude: 3 } });
    expect(fault.status).toBe(201);
    const event = await Promise.race([anomaly, new Promise<never>((_, no) => setTimeout(() => no(new Error('no anomaly event within 10 s')), 10_000))]);
    ws.close();
    expect(event).toMatchObject({ kind: 'anomaly', tag: TAG, payload: { tags: [TAG], detector: 'chiller' } });
    const rows = await eventually(async () => {
      const r = await queryRows(n, `select max(value) from samples where tag = '${TAG}.anomaly_score'`);
      return Number(r[0]![0]) > 8 ? r : null;
    });
    expect(Number(rows[0]![0])).toBeGreaterThan(8);
    const tagRow = await queryRows(n, `select source, asset_path from tags where id = '${TAG}.anomaly_score'`);
    expect(tagRow[0]).toEqual(['inference', 'acme/demo/utilities/chiller1']);
    const events = await json<{ events: { kind: string }[] }>(await n.api('/api/v1/events?kind=anomaly'));
    expect(events.events.length).toBeGreaterThan(0);
  });

  it('inspects an uploaded picture with the shipped model and refuses corrupt and oversized ones', async () => {
    const camera = new BottleCamera({ seed: 515151 });
    const shot = camera.image(3, 'missing_cap');
    const png = encodeRgbPng(shot.rgb, shot.width, shot.height);
    const res = await n.api('/api/v1/inspections/images?camera=camera1&partId=P-1', { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(201);
    const result = await json<{ id: string; verdict: string; defect: string; partId: string }>(res);
    expect(result).toMatchObject({ partId: 'P-1', verdict: 'reject', defect: 'missing_cap' });

    const corrupt = Buffer.concat([png.subarray(0, 64), Buffer.alloc(200, 7)]);
    const bad = await n.api('/api/v1/inspections/images?camera=camera1', { method: 'POST', body: corrupt, headers: { 'content-type': 'image/png' } });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe('IMAGE_CORRUPT');
    const huge = await n.api('/api/v1/inspections/images?camera=camera1', { method: 'POST', body: Buffer.alloc(400_000, 1), headers: { 'content-type': 'image/png' } });
    expect(huge.status).toBe(413);
    const viewer = await n.api('/api/v1/inspections/images?camera=camera1', { method: 'POST', body: png, headers: { 'content-type': 'image/png' }, token: null });
    expect(viewer.status).toBe(401);

    const list = await eventually(async () => {
      const body = await json<{ inspections: { partId: string; verdict: string; imageUrl: string }[]; cameras: { id: string; stats: { inspected: number; rejected: number } }[] }>(await n.api('/api/v1/inspections?camera=camera1'));
      return body.inspections.length > 0 ? body : null;
    });
    expect(list.inspections[0]).toMatchObject({ partId: 'P-1', verdict: 'reject' });
    expect(list.cameras[0]!.stats).toMatchObject({ inspected: 1, rejected: 1 });
    const image = await n.api(list.inspections[0]!.imageUrl);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    const counters = await eventually(async () => {
      const r = await queryRows(n, "select tag, max(value) from samples where tag in ('camera1.inspected', 'camera1.rejects') group by tag order by tag");
      return r.length === 2 ? r : null;
    });
    expect(counters.map((r) => Number(r[1]))).toEqual([1, 1]);
  });

  it('registers versions, switches, rolls back with one call, and publishes model.switched with the actor', async () => {
    const model = (description: string): string => {
      const g = new OnnxGraph('sum');
      const x = g.input('x', [1, 1]);
      g.op('ReduceSum', [x, g.int64s('axes', [1])], { keepdims: 0 }, 'score');
      g.output('score', [1]);
      g.metadata('fabrik.manifest', JSON.stringify({ name: 'chiller-level', description, input: { type: 'tags', tags: [TAG], window: '200ms' }, outputs: [{ name: 'score', kind: 'score', threshold: 100 }] }));
      return Buffer.from(g.toBytes()).toString('base64');
    };
    const v1 = await n.api('/api/v1/models', { json: { model: model('first') } });
    expect(v1.status).toBe(201);
    expect((await n.api('/api/v1/models', { json: { model: model('second') } })).status).toBe(201);
    const notOnnx = await n.api('/api/v1/models', { json: { model: Buffer.from('hello').toString('base64'), manifest: { name: 'x', input: { type: 'tags', tags: [TAG] }, outputs: [{ name: 'score', kind: 'score' }] } } });
    expect(notOnnx.status).toBe(400);
    expect((await json<{ error: { code: string } }>(notOnnx)).error.code).toBe('MODEL_NOT_ONNX');
    const listed = await json<{ models: { name: string; active: string; versions: unknown[]; history: string[] }[] }>(await n.api('/api/v1/models'));
    expect(listed.models.find((m) => m.name === 'chiller-level')).toMatchObject({ active: 'v2', history: ['v1', 'v2'] });
    // Scores of the active version arrive as a tag.
    await eventually(async () => Number((await queryRows(n, "select count(*) from samples where tag = 'chiller-level.score'"))[0]![0]) > 0);
    const rollback = await n.api('/api/v1/models/chiller-level/rollback', { method: 'POST' });
    expect(await json(rollback)).toEqual({ from: 'v2', to: 'v1' });
    expect((await n.api('/api/v1/models/chiller-level/rollback', { method: 'POST' })).status).toBe(409);
    const switched = await eventually(async () => {
      const body = await json<{ events: { payload: { action: string; to: string; actor: string } }[] }>(await n.api('/api/v1/events?kind=model.switched'));
      return body.events.some((e) => e.payload.action === 'rollback') ? body.events : null;
    });
    expect(switched.find((e) => e.payload.action === 'rollback')!.payload).toMatchObject({ to: 'v1', actor: expect.stringContaining('admin') });
    const health = await json<{ components: Record<string, { state: string }> }>(await n.api('/healthz', { token: null }));
    expect(health.components['model.chiller-level']!.state).toBe('up');
    expect(health.components['detector.chiller']!.state).toBe('up');
  });
});
