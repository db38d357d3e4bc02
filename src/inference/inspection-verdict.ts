import type { ModelManifest } from './model-manifest.js';
import type { ModelOutputs } from './onnx-model.js';

/** What one picture was judged to be. */
export interface Verdict {
  verdict: 'pass' | 'reject';
  /** The defect class of a reject (the most probable non-good class), or null. */
  defect: string | null;
  /** How defective, 0..1 for classifiers (1 − P(good)), the model's score otherwise. */
  score: number;
  probabilities: Record<string, number> | null;
}

/**
 * Reads an image model's outputs as its manifest says: with class
 * probabilities, reject when P(okLabel) is below the threshold (default 0.5);
 * with a score, reject above the threshold. Throws on NaN (the caller isolates the model).
 */
export function readVerdict(manifest: ModelManifest, outputs: ModelOutputs): Verdict {
  const probs = manifest.outputs.find((o) => o.kind === 'probabilities');
  if (probs) {
    const p = outputs[probs.name]!;
    const labels = probs.labels!;
    for (const v of p) if (!Number.isFinite(v)) throw new Error(`output "${probs.name}" has ${v} (MODEL_OUTPUT_NAN)`);
    const ok = labels.indexOf(probs.okLabel);
    const reject = p[ok]! < (probs.threshold ?? 0.5);
    let best = -1;
    for (let c = 0; c < labels.length; c++) if (c !== ok && (best < 0 || p[c]! > p[best]!)) best = c;
    return {
      verdict: reject ? 'reject' : 'pass',
      defect: reject && best >= 0 ? labels[best]! : null,
      score: 1 - p[ok]!,
      probabilities: Object.fromEntries(labels.map((l, c) => [l, Math.round(p[c]! * 1e6) / 1e6])),
    };
  }
  const s = manifest.outputs.find((o) => o.kind === 'score')!;
  const score = outputs[s.name]![0]!;
  if (!Number.isFinite(score)) throw new Error(`output "${s.name}" is ${score} (MODEL_OUTPUT_NAN)`);
  const reject = score > (s.threshold ?? 0.5);
  return { verdict: reject ? 'reject' : 'pass', defect: reject ? 'anomaly' : null, score, probabilities: null };
}
