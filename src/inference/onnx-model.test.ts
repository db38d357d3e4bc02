import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchFromSamples, Quality, TagRegistry, type FabrikEvent, type SampleBatch } from '../core/index.js';
import { OnnxGraph } from '../hub/training/index.js';
import { InferenceError, loadOnnxModel, ModelStore, TagModelRunner, type ModelManifestInput } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** score = Sqrt(sum(x)) over a [1, n] input: fine for x ≥ 0, NaN below. */
function sqrtModel(n: number, manifest?: ModelManifestInput): Uint8Array {
  const g = new OnnxGraph('sqrt');
  const x = g.input('x', [1, n]);
  g.op('Sqrt', [g.op('ReduceSum', [x, g.int64s('axes', [1])], { keepdims: 0 })], {}, 'score');
  g.output('score', [1]);
  if (manifest) g.metadata('fabrik.manifest', JSON.stringify(manifest));
  return g.toBytes();
}

/** Picks x[0, round(x0)] with Gather: index 0 is fine, 5 is out of range and onnxruntime throws. */
function gatherModel(manifest: ModelManifestInput): Uint8Array {
  const g = new OnnxGraph('gather');
  const x = g.input('x', [1, 2]);
  const first = g.op('Cast', [g.op('Gather', [x, g.int64s('zero', [0])], { axis: 1 })], { to: 7 });
  g.op('Gather', [g.op('Reshape', [x, g.int64s('flat', [-1])]), g.op('Reshape', [first, g.int64s('one', [1])])], { axis: 0 }, 'score');
  g.output('score', [1]);
  g.metadata('fabrik.manifest', JSON.stringify(manifest));
  return g.toBytes();
}

const tagsManifest = (tags: string[], extra: Partial<ModelManifestInput> = {}): ModelManifestInput => ({
  name: 'probe',
  input: { type: 'tags', tags, window: '1s' },
  outputs: [{ name: 'score', kind: 'score', threshold: 3 }],
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<InferenceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InferenceError);
  return err as InferenceError;
}

describe('registering an ONNX model', () => {
  it('loads a model whose manifest matches and runs it', async () => {
    const model = await loadOnnxModel(sqrtModel(2, tagsManifest(['a', 'b'])));
    expect(model.inputDims).toEqual([1, 2]);
    expect((await model.run(Float32Array.from([3, 6])))['score']![0]).toBeCloseTo(3, 5);
    await model.close();
  });

  it('rejects bytes that are not ONNX', async () => {
    for (const bytes of [new TextEncoder().encode('name,value\nx,1\n'), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256)]) {
      const err = await rejection(loadOnnxModel(bytes, { manifest: tagsManifest(['a']) }));
      expect(err.code).toBe('MODEL_NOT_ONNX');
      expect(err.message).toMatch(/not an ONNX model|cannot load/);
    }
  });

  it('rejects an input shape the manifest does not feed, saying both shapes', async () => {
    const err = await rejection(loadOnnxModel(sqrtModel(3), { manifest: tagsManifest(['a', 'b']) }));
    expect(err.code).toBe('MODEL_SHAPE_MISMATCH');
    expect(err.message).toContain('[1, 3]');
    expect(err.message).toContain('[1, 2]');
    const image = await rejection(loadOnnxModel(sqrtModel(3), { manifest: { name: 'img', input: { type: 'image', width: 32, height: 32 }, outputs: [{ name: 'score', kind: 'score' }] } }));
    expect(image.code).toBe('MODEL_SHAPE_MISMATCH');
  });

  it('rejects a manifest that is missing, invalid, or reads an output the model lacks', async () => {
    expect((await rejection(loadOnnxModel(sqrtModel(1)))).code).toBe('MODEL_MANIFEST_MISSING');
    const invalid = await rejection(loadOnnxModel(sqrtModel(1), { manifest: { name: 'Bad Name', input: { type: 'tags', tags: [] }, outputs: [] } }));
    expect(invalid.code).toBe('MODEL_MANIFEST_INVALID');
    expect(invalid.message).toContain('name');
    const missing = await rejection(loadOnnxModel(sqrtModel(1), { manifest: tagsManifest(['a'], { outputs: [{ name: 'anomaly', kind: 'score' }] }) }));
    expect(missing.code).toBe('MODEL_OUTPUT_MISSING');
    expect(missing.message).toContain('"score"');
  });

  it('rejects a model over the size limit before parsing it', async () => {
    expect((await rejection(loadOnnxModel(sqrtModel(1, tagsManifest(['a'])), { maxBytes: 10 }))).code).toBe('MODEL_TOO_LARGE');
  });
});

describe('model versions on disk', () => {
  it('numbers versions, refuses a wrong checksum, and keeps active, history and rollback across a reopen', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fabrik-models-'));
    dirs.push(dir);
    const store = await ModelStore.open(dir);
    const v1 = sqrtModel(1, tagsManifest(['a']));
    const v2 = sqrtModel(1, tagsManifest(['a'], { description: 'second' }));
    expect((await rejection(store.add({ bytes: v1, sha256: '0'.repeat(64), source: 'test' }))).code).toBe('MODEL_CHECKSUM_MISMATCH');
    const a = await store.add({ bytes: v1, source: 'test' });
    const again = await store.add({ bytes: v1, source: 'test' });
    const b = await store.add({ bytes: v2, source: 'test' });
    for (const r of [a, again, b]) await r.model.close();
    expect([a.version.version, again.created, b.version.version]).toEqual(['v1', false, 'v2']);
    await store.activate('probe', 'v1');
    await store.activate('probe', 'v2');
    const reopened = await ModelStore.open(dir);
    expect(reopened.get('probe')).toMatchObject({ active: 'v2', history: ['v1', 'v2'] });
    expect(await reopened.rollback('probe')).toEqual(['v2', 'v1']);
    expect((await ModelStore.open(dir)).get('probe')!.active).toBe('v1');
    await expect(reopened.rollback('probe')).rejects.toMatchObject({ code: 'MODEL_NO_PREVIOUS' });
    // A file changed on disk is refused when loaded.
    const file = path.join(dir, 'probe', 'v1', 'model.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(file, bytes);
    expect((await rejection(reopened.load('probe', 'v1'))).code).toBe('MODEL_CHECKSUM_MISMATCH');
  });
});

describe('a model failing at run time', () => {
  async function run(model: Uint8Array, values: number[][]): Promise<{ runner: TagModelRunner; events: FabrikEvent[]; scores: SampleBatch[] }> {
    const tags = new TagRegistry();
    for (const id of ['a', 'b']) tags.define({ id, assetPath: 'acme/p1', point: id, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const events: FabrikEvent[] = [];
    const scores: SampleBatch[] = [];
    const runner = new TagModelRunner({ name: 'probe', tags, emitEvent: (e) => events.push(e), emitSamples: (b) => scores.push(b) });
    await runner.swap({ version: 'v1', model: await loadOnnxModel(model) }, null);
    for (const [i, row] of values.entries()) {
      runner.process(batchFromSamples(row.map((v, j) => ({ tag: j, ts: 1000 * (i + 1), value: v, quality: Quality.Good }))));
      // Let each inference finish before the next window, as a real second would.
      await new Promise((r) => setTimeout(r, 20));
    }
    return { runner, events, scores };
  }

  it('marks a model that returns NaN failed after three runs and stops running it', async () => {
    const { runner, scores } = await run(sqrtModel(2, tagsManifest(['a', 'b'])), [[1, 3], [4, 5], [-9, 1], [-9, 1], [-9, 1], [-9, 1], [1, 1], [1, 1]]);
    expect(scores.map((b) => b.value[0])).toEqual([2, 3]);
    expect(runner.health()).toMatchObject({ state: 'down', message: expect.stringContaining('NaN') });
    await runner.close();
  });

  it('isolates a model that throws: health says why, and the runner never throws', async () => {
    const { runner, scores } = await run(gatherModel(tagsManifest(['a', 'b'])), [[0, 7], [0, 8], [5, 1], [5, 1], [5, 1], [5, 1]]);
    expect(scores.map((b) => b.value[0])).toEqual([0, 0]);
    expect(runner.health()).toMatchObject({ state: 'down', message: expect.stringContaining('failed to run') });
    await runner.close();
  });
});

describe('a tags model over a sequence, on a schedule', () => {
  it('feeds [1, length, tags] normalised rows, oldest first, and runs every `run.every` instead of every window', async () => {
    // score = sum over 3 rows × 2 tags of the normalised values.
    const g = new OnnxGraph('seq');
    const x = g.input('x', [1, 3, 2]);
    g.op('ReduceSum', [x, g.int64s('axes', [1, 2])], { keepdims: 0 }, 'score');
    g.output('score', [1]);
    const manifest: ModelManifestInput = {
      name: 'seq',
      input: { type: 'tags', tags: ['a', 'b'], window: '1s', length: 3, normalize: { mean: [10, 0], std: [2, 1] } },
      outputs: [{ name: 'score', kind: 'score', threshold: 100 }],
      run: { every: '5s' },
    };
    const tags = new TagRegistry();
    for (const id of ['a', 'b']) tags.define({ id, assetPath: 'acme/p1', point: id, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const scores: SampleBatch[] = [];
    const runner = new TagModelRunner({ name: 'seq', tags, emitEvent: () => {}, emitSamples: (b) => scores.push(b) });
    const model = await loadOnnxModel(g.toBytes(), { manifest });
    expect(model.inputDims).toEqual([1, 3, 2]);
    await runner.swap({ version: 'v1', model }, null);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 4; i++) runner.process(batchFromSamples([{ tag: 0, ts: t0 + i * 1000, value: 12, quality: Quality.Good }, { tag: 1, ts: t0 + i * 1000, value: i, quality: Quality.Good }]));
    await runner.settled();
    expect(scores).toHaveLength(0); // no run per window: the schedule decides
    runner.tick(t0 + 5_000);
    await runner.settled();
    // The clock closed the 4 s window too: the last three rows hold b = 1, 2, 3 and a = 12 → Σ((12−10)/2) + Σ(b) = 3 + 6.
    expect(scores.map((b) => b.value[0])).toEqual([9]);
    runner.tick(t0 + 7_000);
    await runner.settled();
    expect(scores).toHaveLength(1); // 2 s after the last run: not yet
    runner.tick(t0 + 10_000);
    await runner.settled();
    expect(scores).toHaveLength(2);
    await runner.close();
  });
});
