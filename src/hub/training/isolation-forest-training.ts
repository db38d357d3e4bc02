import { modelManifestSchema } from '../../inference/index.js';
import { Prng } from '../../sim/index.js';
import { TrainingError } from './errors.js';
import { floats, OnnxGraph } from './onnx-graph.js';
import type { TrainedModel } from './pca-training.js';
import { checkTable, columnStats, detectionMetrics, quantile, splitHoldout, type TagModelOptions, type TrainingTable } from './training-table.js';

/** Options of `trainIsolationForest` (limitQuantile default 0.995: iforest scores crowd near the top, so the training set's own edge points score high too). */
export interface IsolationForestOptions extends TagModelOptions {
  /** Number of trees. Default 100. */
  trees?: number;
  /** Rows drawn for each tree (ψ). Default 256. */
  sampleSize?: number;
}

interface TreeNode {
  feature: number;
  split: number;
  left: number;
  right: number;
  /** Path length credited at a leaf: depth + c(rows that reached it); -1 for a branch. */
  leaf: number;
}

const EULER = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n items. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

/**
 * Isolation forest (Liu, Ting and Zhou, 2008): anomalies are isolated by
 * fewer random splits. Exported as an ai.onnx.ml TreeEnsembleRegressor that
 * averages the path lengths, followed by s = 2^(−E[h]/c(ψ)); contributions
 * are each tag's |z| against the training data, naming the tags that moved.
 */
export function trainIsolationForest(table: TrainingTable, opts: IsolationForestOptions): TrainedModel {
  const f = table.columns.length;
  checkTable(table, 32);
  const treesWanted = opts.trees ?? 100;
  if (!Number.isInteger(treesWanted) || treesWanted < 1 || treesWanted > 2000) throw new TrainingError('TRAIN_INVALID_OPTION', `trees must be 1..2000, got ${treesWanted}`);
  const seed = opts.seed ?? 1;
  const split = splitHoldout(table, opts.holdoutShare ?? 0.25, seed);
  const psi = Math.min(opts.sampleSize ?? 256, split.train.length);
  const heightLimit = Math.ceil(Math.log2(Math.max(2, psi)));
  const rng = Prng.derive(seed, 'iforest');
  const forest: TreeNode[][] = [];
  for (let t = 0; t < treesWanted; t++) {
    const sample = Array.from({ length: psi }, () => split.train[Math.floor(rng.next() * split.train.length)]!);
    const nodes: TreeNode[] = [];
    grow(nodes, sample, 0, heightLimit, rng, f);
    forest.push(nodes);
  }
  const cPsi = averagePathLength(psi);
  const score = (row: number[]): number => {
    let total = 0;
    for (const nodes of forest) {
      let n = nodes[0]!;
      while (n.leaf < 0) n = nodes[row[n.feature]! < n.split ? n.left : n.right]!;
      total += n.leaf;
    }
    return 2 ** (-(total / forest.length) / cPsi);
  };
  const q = opts.limitQuantile ?? 0.995;
  const threshold = quantile(split.train.map(score), q);
  const metrics = { ...detectionMetrics(split.holdout.map(score), split.holdoutLabels, threshold), trees: forest.length, sampleSize: psi, threshold, trainRows: split.train.length };

  const g = new OnnxGraph(`${opts.name}-iforest`);
  const x = g.input('x', [1, f]);
  const attrs = forestAttributes(forest);
  const [pathLength] = g.node('TreeEnsembleRegressor', [x], { ...attrs, n_targets: 1, aggregate_function: 'AVERAGE', post_transform: 'NONE' }, 1, 'ai.onnx.ml');
  const exponent = g.op('Mul', [pathLength!, g.constant('neg_ln2_over_c', [1], [-Math.LN2 / cPsi])]);
  g.op('Reshape', [g.op('Exp', [exponent]), g.int64s('shape1', [1])], {}, 'anomaly_score');
  const { mean, std } = columnStats(split.train, f);
  g.op('Abs', [g.op('Div', [g.op('Sub', [x, g.constant('mean', [f], mean)]), g.constant('std', [f], std)])], {}, 'contributions');
  g.output('anomaly_score', [1]);
  g.output('contributions', [1, f]);

  const manifest = modelManifestSchema.parse({
    name: opts.name,
    description: opts.description ?? `Isolation forest (${forest.length} trees, ψ=${psi}); anomalous above the ${q} quantile of normal operation`,
    input: { type: 'tags', name: 'x', tags: table.columns, window: opts.window ?? '1s', ...(opts.when ? { when: opts.when } : {}) },
    outputs: [
      { name: 'anomaly_score', kind: 'score', threshold, confirm: 3 },
      { name: 'contributions', kind: 'contributions', tag: false },
    ],
    training: { kind: 'iforest', trainedAt: new Date().toISOString(), metrics },
  });
  g.metadata('fabrik.manifest', JSON.stringify(manifest));
  return { onnx: g.toBytes(manifest.description), manifest, metrics };
}

function grow(nodes: TreeNode[], rows: number[][], depth: number, limit: number, rng: Prng, f: number): number {
  const id = nodes.length;
  const node: TreeNode = { feature: 0, split: 0, left: 0, right: 0, leaf: depth + averagePathLength(rows.length) };
  nodes.push(node);
  if (depth >= limit || rows.length <= 1) return id;
  // Only features that still vary in this node can split it.
  const candidates: { j: number; lo: number; hi: number }[] = [];
  for (let j = 0; j < f; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      if (r[j]! < lo) lo = r[j]!;
      if (r[j]! > hi) hi = r[j]!;
    }
    // float32 must tell the bounds apart, or the exported split would not separate anything.
    if (Math.fround(hi) > Math.fround(lo)) candidates.push({ j, lo, hi });
  }
  if (candidates.length === 0) return id;
  const c = candidates[Math.floor(rng.next() * candidates.length)]!;
  let split = Math.fround(c.lo + rng.next() * (c.hi - c.lo));
  if (split <= c.lo) split = Math.fround(c.hi);
  const left = rows.filter((r) => r[c.j]! < split);
  const right = rows.filter((r) => r[c.j]! >= split);
  if (left.length === 0 || right.length === 0) return id;
  node.leaf = -1;
  node.feature = c.j;
  node.split = split;
  node.left = grow(nodes, left, depth + 1, limit, rng, f);
  node.right = grow(nodes, right, depth + 1, limit, rng, f);
  return id;
}

function forestAttributes(forest: TreeNode[][]) {
  const a = {
    nodes_treeids: [] as number[],
    nodes_nodeids: [] as number[],
    nodes_featureids: [] as number[],
    nodes_values: [] as number[],
    nodes_modes: [] as string[],
    nodes_truenodeids: [] as number[],
    nodes_falsenodeids: [] as number[],
    target_treeids: [] as number[],
    target_nodeids: [] as number[],
    target_ids: [] as number[],
    target_weights: [] as number[],
  };
  forest.forEach((nodes, t) => {
    nodes.forEach((n, id) => {
      const leaf = n.leaf >= 0;
      a.nodes_treeids.push(t);
      a.nodes_nodeids.push(id);
      a.nodes_featureids.push(leaf ? 0 : n.feature);
      a.nodes_values.push(leaf ? 0 : n.split);
      a.nodes_modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      a.nodes_truenodeids.push(leaf ? 0 : n.left);
      a.nodes_falsenodeids.push(leaf ? 0 : n.right);
      if (leaf) {
        a.target_treeids.push(t);
        a.target_nodeids.push(id);
        a.target_ids.push(0);
        a.target_weights.push(n.leaf);
      }
    });
  });
  return { ...a, nodes_values: floats(a.nodes_values), target_weights: floats(a.target_weights) };
}
