import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchFromSamples, Quality, TagRegistry, type FabrikEvent, type SampleBatch } from '../core/index.js';
import { OnnxGraph } from '../hub/training/index.js';
import { ModelHost, ModelStore } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** score = k × value of tag "a", per 1 s window; anomalous above 50. */
function scaled(k: number): Uint8Array {
  const g = new OnnxGraph('scaled');
  const x = g.input('x', [1, 1]);
  g.op('Reshape', [g.op('Mul', [x, g.constant('k', [1], [k])]), g.int64s('shape', [1])], {}, 'score');
  g.output('score', [1]);
  g.metadata('fabrik.manifest', JSON.stringify({ name: 'probe', description: `×${k}`, input: { type: 'tags', tags: ['a'], window: '1s' }, outputs: [{ name: 'score', kind: 'score', threshold: 50 }] }));
  return g.toBytes();
}

describe('model host', () => {
  it('runs a shadow beside the active version without events, switches atomically, rolls back, and reloads the state', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fabrik-host-'));
    dirs.push(dir);
    const tags = new TagRegistry();
    const a = tags.define({ id: 'a', assetPath: 'acme/p1/press', point: 'a', dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const events: FabrikEvent[] = [];
    const batches: SampleBatch[] = [];
    const host = new ModelHost({ store: await ModelStore.open(dir), tags, emitEvent: (e) => events.push(e), emitSamples: (b) => batches.push(b), assetPath: 'acme/p1' });
    expect(await host.register({ bytes: scaled(1), source: 'test' }, 'active', 'alice')).toMatchObject({ version: 'v1', created: true });
    expect(await host.register({ bytes: scaled(10), source: 'test' }, 'shadow', 'alice')).toMatchObject({ version: 'v2' });
    let t = 1_700_000_000_000;
    const feed = async (value: number): Promise<void> => {
      host.process(batchFromSamples([{ tag: a, ts: (t += 1000), value, quality: Quality.Good }]));
      await host.runner('probe')!.settled();
    };
    for (let i = 0; i < 4; i++) await feed(6);
    const id = (b: SampleBatch): string => tags.get(b.tag[0]!)!.id;
    expect(batches.filter((b) => id(b) === 'probe.score').map((b) => b.value[0])).toEqual([6, 6, 6]);
    // The shadow scores 60, above the threshold, and records it — but raises nothing.
    expect(batches.filter((b) => id(b) === 'probe.shadow.score').map((b) => b.value[0])).toEqual([60, 60, 60]);
    expect(events.filter((e) => e.kind === 'anomaly')).toEqual([]);

    batches.length = 0;
    expect(await host.activate('probe', 'v2', 'bob')).toEqual({ from: 'v1', to: 'v2' });
    await feed(6);
    expect(batches.map((b) => [id(b), b.value[0]])).toEqual([['probe.score', 60]]);
    expect(events.filter((e) => e.kind === 'anomaly')).toHaveLength(1);
    expect(await host.rollback('probe', 'carol')).toEqual({ from: 'v2', to: 'v1' });
    await feed(6);
    expect(batches.at(-1)!.value[0]).toBe(6);
    const switched = events.filter((e) => e.kind === 'model.switched').map((e) => [e.payload['action'], e.payload['mode'], e.payload['from'], e.payload['to'], e.payload['actor']]);
    expect(switched).toEqual([
      ['register', 'active', null, 'v1', 'alice'],
      ['register', 'shadow', null, 'v2', 'alice'],
      ['activate', 'active', 'v1', 'v2', 'bob'],
      ['rollback', 'active', 'v2', 'v1', 'carol'],
    ]);
    await host.close();

    // A restart finds the same state on disk.
    const again = new ModelHost({ store: await ModelStore.open(dir), tags, emitEvent: () => {}, emitSamples: () => {}, assetPath: 'acme/p1' });
    await again.start();
    expect(again.records()[0]).toMatchObject({ name: 'probe', active: 'v1', shadow: null, history: ['v1'] });
    expect(again.health()['model.probe']!.state).toBe('up');
    await again.close();
  });
});
