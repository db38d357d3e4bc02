import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, type ImageInput } from '../../inference/index.js';
import { imageToTensor } from '../../inference/index.js';
import { bottleDataset, Prng } from '../../sim/index.js';
import { averagePathLength, readCsvTable, runTraining, trainImageClassifier, trainIsolationForest, trainPca, TrainingError, type TrainingTable } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** x2 follows x1 (a load that follows wear), x3 is independent. */
function correlated(n: number, seed: number): TrainingTable {
  const rng = new Prng(seed);
  const rows = Array.from({ length: n }, () => {
    const x1 = rng.normal(50, 5);
    return [x1, 2 * x1 + rng.normal(0, 0.5), rng.normal(10, 1)];
  });
  return { columns: ['wear', 'load', 'temp'], rows };
}

async function run(bytes: Uint8Array, row: number[]): Promise<Record<string, Float32Array>> {
  const model = await loadOnnxModel(bytes);
  try {
    return await model.run(Float32Array.from(row));
  } finally {
    await model.close();
  }
}

describe('trainPca', () => {
  it('finds the correlation, sets T² and SPE limits, and the ONNX graph flags a row off the plane naming its tags', async () => {
    const m = trainPca(correlated(2000, 1), { name: 'lathe-pca', varianceToKeep: 0.95 });
    expect(m.metrics).toMatchObject({ components: 2, recall: null });
    expect(m.metrics['falseAlarmRate'] as number).toBeLessThan(0.01);
    expect(m.manifest.input).toMatchObject({ type: 'tags', tags: ['wear', 'load', 'temp'] });
    const normal = await run(m.onnx, [52, 104, 10]);
    expect(normal['anomaly_score']![0]).toBeLessThan(1);
    // Load without the wear to explain it: off the model plane (SPE), and the contributions name load and wear.
    const off = await run(m.onnx, [50, 115, 10]);
    expect(off['spe']![0]).toBeGreaterThan(m.metrics['speLimit'] as number);
    const c = Array.from(off['contributions']!);
    expect(c[2]!).toBeLessThan(Math.min(c[0]!, c[1]!));
    // Far along the plane: the T² statistic catches it.
    const far = await run(m.onnx, [80, 160, 10]);
    expect(far['t2']![0]).toBeGreaterThan(m.metrics['t2Limit'] as number);
  });

  it('refuses too few rows and non-finite values with a reason', () => {
    expect(() => trainPca({ columns: ['a', 'b'], rows: [[1, 2]] }, { name: 'x' })).toThrow(TrainingError);
    const t = correlated(100, 2);
    t.rows[5]![1] = Number.NaN;
    expect(() => trainPca(t, { name: 'x' })).toThrow(/row 6 .*not a finite number/);
  });
});

describe('trainIsolationForest', () => {
  it('isolates labelled anomalies on the held-out set, and the exported tree ensemble agrees', async () => {
    const t = correlated(1500, 3);
    const rng = new Prng(9);
    t.labels = t.rows.map(() => 0);
    for (let i = 0; i < 40; i++) {
      // Beyond the normal range of load and wear (axis-aligned splits isolate these; PCA is the tool for broken correlations).
      t.rows.push([rng.uniform(70, 90), rng.uniform(170, 230), rng.normal(10, 1)]);
      t.labels.push(1);
    }
    const m = trainIsolationForest(t, { name: 'lathe-iforest', trees: 60 });
    expect(m.metrics['recall'] as number).toBeGreaterThan(0.8);
    expect(m.metrics['falseAlarmRate'] as number).toBeLessThan(0.02);
    const threshold = m.manifest.outputs[0]!.threshold!;
    expect((await run(m.onnx, [50, 100, 10]))['anomaly_score']![0]).toBeLessThan(threshold);
    expect((await run(m.onnx, [30, 200, 14]))['anomaly_score']![0]).toBeGreaterThan(threshold);
    // c(256) of Liu et al.: the average path length that normalises scores.
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });
});

describe('trainImageClassifier', () => {
  it('trains a small CNN whose ONNX export computes what the TypeScript network computes', async () => {
    const data = bottleDataset({ seed: 5, count: 60, defectShare: 0.5, width: 64, height: 112 }).map((b) => ({ image: b, label: b.label }));
    const m = trainImageClassifier(data, { name: 'tiny', width: 24, height: 40, channels: [4, 4, 4], hidden: 8, epochs: 2, seed: 3 });
    expect(m.manifest.outputs[0]).toMatchObject({ kind: 'probabilities', labels: ['ok', 'contamination', 'missing_cap', 'scratch', 'underfill'] });
    expect(m.metrics.images).toBe(12);
    const model = await loadOnnxModel(m.onnx);
    for (const b of bottleDataset({ seed: 6, count: 4, defectShare: 0.5, width: 64, height: 112 })) {
      const onnx = (await model.run(imageToTensor(b, m.manifest.input as ImageInput).data))['probabilities']!;
      const ts = m.predict(b);
      for (let c = 0; c < 5; c++) expect(onnx[c]).toBeCloseTo(ts[c]!, 5);
    }
    await model.close();
  });
});

describe('fabrik train inputs', () => {
  it('reads a CSV with a time and a label column, trains, and writes a model that loads with its embedded manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fabrik-train-'));
    dirs.push(dir);
    const t = correlated(300, 4);
    const csv = ['ts,wear,load,temp,label', ...t.rows.map((r, i) => `${1_700_000_000_000 + i * 1000},${r.join(',')},0`)].join('\n');
    await writeFile(path.join(dir, 'data.csv'), csv);
    expect((await readCsvTable(path.join(dir, 'data.csv'))).columns).toEqual(['wear', 'load', 'temp']);
    const { files } = await runTraining({ kind: 'pca', fromCsv: path.join(dir, 'data.csv'), out: path.join(dir, 'm.onnx'), name: 'csv-pca' });
    expect(files.map((f) => path.basename(f))).toEqual(['m.onnx', 'm.manifest.json']);
    const model = await loadOnnxModel(await readFile(files[0]!));
    expect(model.manifest.name).toBe('csv-pca');
    await model.close();
    await writeFile(path.join(dir, 'bad.csv'), 'a,b\n1,x\n');
    await expect(readCsvTable(path.join(dir, 'bad.csv'))).rejects.toThrow(/line 2, column "b"/);
    await expect(runTraining({ kind: 'pca', out: path.join(dir, 'x.onnx') })).rejects.toThrow(/--from-csv <file> or --sim-seed/);
  });
});
