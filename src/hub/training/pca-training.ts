import { modelManifestSchema, type ModelManifest } from '../../inference/index.js';
import { TrainingError } from './errors.js';
import { OnnxGraph } from './onnx-graph.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { checkTable, columnStats, detectionMetrics, quantile, splitHoldout, type DetectionMetrics, type TagModelOptions, type TrainingTable } from './training-table.js';

/** Options of `trainPca` (limitQuantile default 0.999, for each of T² and SPE). */
export interface PcaOptions extends TagModelOptions {
  /** Keep components until this share of the variance is explained. Default 0.9. */
  varianceToKeep?: number;
  /** Or a fixed number of components. */
  components?: number;
}

export interface TrainedModel {
  onnx: Uint8Array;
  manifest: ModelManifest;
  metrics: Record<string, unknown>;
}

export interface PcaMetrics extends DetectionMetrics {
  components: number;
  explainedVariance: number;
  t2Limit: number;
  speLimit: number;
  trainRows: number;
}

/**
 * Principal component analysis of normal operation with Hotelling's T² (how
 * far a row is inside the model plane) and SPE/Q (how far it is off the
 * plane). Limits are the `limitQuantile` of the training scores; the ONNX
 * graph standardises its raw tag values itself and outputs both statistics,
 * a combined score (max of statistic / limit, anomalous above 1) and per-tag
 * SPE contributions that name the tags behind an anomaly.
 */
export function trainPca(table: TrainingTable, opts: PcaOptions): TrainedModel {
  const f = table.columns.length;
  checkTable(table, Math.max(20, 2 * f + 2));
  const split = splitHoldout(table, opts.holdoutShare ?? 0.25, opts.seed ?? 1);
  const { mean, std } = columnStats(split.train, f);
  const z = split.train.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
  const cov = new Float64Array(f * f);
  for (const r of z) for (let i = 0; i < f; i++) for (let j = i; j < f; j++) cov[i * f + j] = cov[i * f + j]! + r[i]! * r[j]!;
  for (let i = 0; i < f; i++) {
    for (let j = i; j < f; j++) {
      const c = cov[i * f + j]! / Math.max(1, z.length - 1);
      cov[i * f + j] = c;
      cov[j * f + i] = c;
    }
  }
  const eig = symmetricEigen(cov, f);
  const total = eig.values.reduce((s, v) => s + Math.max(0, v), 0) || 1;
  let k = opts.components ?? 0;
  if (!k) {
    const keep = opts.varianceToKeep ?? 0.9;
    if (!(keep > 0 && keep <= 1)) throw new TrainingError('TRAIN_INVALID_OPTION', `varianceToKeep must be in (0, 1], got ${keep}`);
    let acc = 0;
    while (k < f && acc / total < keep) acc += Math.max(0, eig.values[k++]!);
  }
  // Leave at least one direction for SPE when there is more than one tag.
  k = Math.max(1, Math.min(k, f > 1 ? f - 1 : 1));
  const lambda = Array.from(eig.values.subarray(0, k), (v) => Math.max(v, 1e-9));
  const p = new Float64Array(f * k);
  for (let i = 0; i < f; i++) for (let c = 0; c < k; c++) p[i * k + c] = eig.vectors[i * f + c]!;

  const scoreRow = (row: number[]): { t2: number; spe: number } => {
    const zr = row.map((v, j) => (v - mean[j]!) / std[j]!);
    let t2 = 0;
    const t = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < f; i++) s += zr[i]! * p[i * k + c]!;
      t[c] = s;
      t2 += (s * s) / lambda[c]!;
    }
    let spe = 0;
    for (let i = 0; i < f; i++) {
      let rec = 0;
      for (let c = 0; c < k; c++) rec += t[c]! * p[i * k + c]!;
      spe += (zr[i]! - rec) ** 2;
    }
    return { t2, spe };
  };
  const q = opts.limitQuantile ?? 0.999;
  const trainScores = split.train.map(scoreRow);
  const t2Limit = Math.max(quantile(trainScores.map((s) => s.t2), q), 1e-9);
  const speLimit = Math.max(quantile(trainScores.map((s) => s.spe), q), 1e-9);
  const held = split.holdout.map(scoreRow).map((s) => Math.max(s.t2 / t2Limit, s.spe / speLimit));
  const metrics: PcaMetrics = {
    ...detectionMetrics(held, split.holdoutLabels, 1),
    components: k,
    explainedVariance: lambda.reduce((a, b) => a + b, 0) / total,
    t2Limit,
    speLimit,
    trainRows: split.train.length,
  };

  const g = new OnnxGraph(`${opts.name}-pca`);
  const x = g.input('x', [1, f]);
  const zt = g.op('Div', [g.op('Sub', [x, g.constant('mean', [f], mean)]), g.constant('std', [f], std)]);
  const t = g.op('MatMul', [zt, g.constant('loadings', [f, k], p)]);
  const axes = g.int64s('axis1', [1]);
  const t2 = g.op('ReduceSum', [g.op('Mul', [g.op('Mul', [t, t]), g.constant('inv_lambda', [k], lambda.map((l) => 1 / l))]), axes], { keepdims: 0 }, 't2');
  const pt = new Float64Array(k * f);
  for (let i = 0; i < f; i++) for (let c = 0; c < k; c++) pt[c * f + i] = p[i * k + c]!;
  const residual = g.op('Sub', [zt, g.op('MatMul', [t, g.constant('loadings_t', [k, f], pt)])]);
  const contributions = g.op('Mul', [residual, residual], {}, 'contributions');
  const spe = g.op('ReduceSum', [contributions, axes], { keepdims: 0 }, 'spe');
  g.op('Max', [g.op('Div', [t2, g.constant('t2_limit', [1], [t2Limit])]), g.op('Div', [spe, g.constant('spe_limit', [1], [speLimit])])], {}, 'anomaly_score');
  g.output('anomaly_score', [1]);
  g.output('t2', [1]);
  g.output('spe', [1]);
  g.output('contributions', [1, f]);

  const manifest = modelManifestSchema.parse({
    name: opts.name,
    description: opts.description ?? `PCA (${k} of ${f} components, ${(metrics.explainedVariance * 100).toFixed(1)}% of the variance) with Hotelling T² and SPE limits at the ${q} quantile of normal operation`,
    input: { type: 'tags', name: 'x', tags: table.columns, window: opts.window ?? '1s', ...(opts.when ? { when: opts.when } : {}) },
    outputs: [
      { name: 'anomaly_score', kind: 'score', threshold: 1, confirm: 3 },
      { name: 't2', kind: 'score', threshold: t2Limit },
      { name: 'spe', kind: 'score', threshold: speLimit },
      { name: 'contributions', kind: 'contributions', tag: false },
    ],
    training: { kind: 'pca', trainedAt: new Date().toISOString(), metrics },
  });
  g.metadata('fabrik.manifest', JSON.stringify(manifest));
  return { onnx: g.toBytes(manifest.description), manifest, metrics: { ...metrics } };
}
