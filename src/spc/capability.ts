import { andersonDarling, type AndersonDarlingResult } from './anderson-darling.js';
import { isPresent, mean, sampleStdDev, snapZero, type MaybeNumber } from './chart-result.js';
import { chartConstants } from './constants.js';
import { SpcError, SpcErrorCode } from './errors.js';
import { normalQuantile } from './normal-distribution.js';
import { summarizeSubgroups } from './subgroup-stats.js';

/** Specification limits; at least one of lsl/usl. */
export interface SpecLimits {
  lsl?: number;
  usl?: number;
  target?: number;
}

/** Data and options of a capability study: individuals or subgroups. */
export interface CapabilityInput {
  spec: SpecLimits;
  /** Individual values in time order: within sigma = MR̄/d2. */
  values?: readonly MaybeNumber[];
  /** Rational subgroups in time order: within sigma = R̄/d2 (default) or S̄/c4. */
  subgroups?: readonly (readonly MaybeNumber[])[];
  withinMethod?: 'rbar' | 'sbar';
  /** Two-sided confidence level of the Cpk/Ppk intervals; 0.95 unless told. */
  confidence?: number;
}

/** A confidence interval with the name of the method that produced it. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
  confidence: number;
  method: string;
}

export type CapabilityIndex = 'cp' | 'cpl' | 'cpu' | 'cpk' | 'pp' | 'ppl' | 'ppu' | 'ppk' | 'cpm';

/** Capability indices; an index that cannot be computed is absent and `undefinedReasons` says why. */
export interface CapabilityResult {
  n: number;
  skipped: number;
  mean: number;
  sigmaWithin: number;
  sigmaOverall: number;
  withinMethod: 'rbar' | 'sbar' | 'mrbar';
  cp?: number;
  cpl?: number;
  cpu?: number;
  cpk?: number;
  pp?: number;
  ppl?: number;
  ppu?: number;
  ppk?: number;
  /** Taguchi index against `cpmTarget` (Minitab form: min(T − LSL, USL − T) / 3√(Σ(x − T)²/(n − 1))). */
  cpm?: number;
  cpmTarget?: number;
  cpkInterval?: ConfidenceInterval;
  ppkInterval?: ConfidenceInterval;
  undefinedReasons: Partial<Record<CapabilityIndex | 'cpkInterval' | 'ppkInterval', string>>;
  normality: AndersonDarlingResult;
}

const BISSELL = 'Bissell (1990) normal approximation: Cpk ± z·√(1/(9n) + Cpk²/(2(n − 1))), n = number of observations';

/**
 * Process capability (Montgomery ch. 8; Minitab "Normal capability analysis"):
 * Cp, Cpk (within sigma), Pp, Ppk (overall sample sigma), Cpm, Bissell intervals
 * for Cpk/Ppk, and the Anderson–Darling normality test beside them. One-sided
 * specs give only the matching one-sided index (Cpk = Cpu or Cpl).
 * @throws SpcError SPC_SPEC_LIMITS_ORDER when lsl >= usl or target is outside them; SPC_INSUFFICIENT_DATA with < 2 values.
 */
export function capability(input: CapabilityInput): CapabilityResult {
  const { lsl, usl, target } = input.spec;
  if (lsl === undefined && usl === undefined) throw new SpcError(SpcErrorCode.InvalidParameter, 'capability needs at least one specification limit (lsl or usl)');
  if (lsl !== undefined && usl !== undefined && !(lsl < usl)) {
    throw new SpcError(SpcErrorCode.SpecLimitsOrder, `specification limits out of order: lsl ${lsl} must be below usl ${usl}`);
  }
  if (target !== undefined && ((lsl !== undefined && target <= lsl) || (usl !== undefined && target >= usl))) {
    throw new SpcError(SpcErrorCode.SpecLimitsOrder, `target ${target} must lie strictly between the specification limits`);
  }
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new SpcError(SpcErrorCode.InvalidParameter, `confidence must be in (0, 1), got ${confidence}`);

  let all: number[];
  let skipped: number;
  let sigmaWithin: number;
  let withinMethod: CapabilityResult['withinMethod'];
  if (input.subgroups) {
    const { stats, skipped: sk } = summarizeSubgroups(input.subgroups);
    all = input.subgroups.flat().filter(isPresent);
    skipped = all.length + sk === 0 ? 0 : input.subgroups.flat().length - all.length;
    if (stats.length < 2) throw new SpcError(SpcErrorCode.InsufficientData, `capability needs at least 2 subgroups, got ${stats.length}`);
    withinMethod = input.withinMethod ?? 'rbar';
    sigmaWithin =
      withinMethod === 'rbar'
        ? mean(stats.map((g) => g.range / chartConstants(g.n).d2))
        : mean(stats.map((g) => g.stdDev / chartConstants(g.n).c4));
  } else {
    const raw = input.values ?? [];
    all = raw.filter(isPresent);
    skipped = raw.length - all.length;
    if (all.length < 2) throw new SpcError(SpcErrorCode.InsufficientData, `capability needs at least 2 values, got ${all.length}`);
    withinMethod = 'mrbar';
    let mr = 0;
    for (let i = 1; i < all.length; i++) mr += Math.abs(all[i]! - all[i - 1]!);
    sigmaWithin = mr / (all.length - 1) / chartConstants(2).d2;
  }
  const n = all.length;
  const mu = mean(all);
  sigmaWithin = snapZero(sigmaWithin, mu);
  const sigmaOverall = snapZero(sampleStdDev(all), mu);
  const result: CapabilityResult = { n, skipped, mean: mu, sigmaWithin, sigmaOverall, withinMethod, undefinedReasons: {}, normality: andersonDarling(all) };
  const why = result.undefinedReasons;
  const z = normalQuantile(1 - (1 - confidence) / 2);

  const family = (sigma: number, names: readonly ['cp' | 'pp', 'cpl' | 'ppl', 'cpu' | 'ppu', 'cpk' | 'ppk'], label: string) => {
    const [two, lower, upper, k] = names;
    if (sigma === 0) {
      for (const name of names) why[name] = `${label} sigma is 0 (constant data): the index would be infinite`;
      return;
    }
    if (lsl !== undefined && usl !== undefined) result[two] = (usl - lsl) / (6 * sigma);
    else why[two] = 'needs both LSL and USL';
    if (lsl !== undefined) result[lower] = (mu - lsl) / (3 * sigma);
    else why[lower] = 'no LSL';
    if (usl !== undefined) result[upper] = (usl - mu) / (3 * sigma);
    else why[upper] = 'no USL';
    result[k] = Math.min(result[lower] ?? Infinity, result[upper] ?? Infinity);
  };
  family(sigmaWithin, ['cp', 'cpl', 'cpu', 'cpk'], 'within');
  family(sigmaOverall, ['pp', 'ppl', 'ppu', 'ppk'], 'overall');

  for (const [k, key] of [['cpk', 'cpkInterval'], ['ppk', 'ppkInterval']] as const) {
    const value = result[k];
    if (value === undefined) {
      why[key] = `${k} is undefined`;
      continue;
    }
    const half = z * Math.sqrt(1 / (9 * n) + (value * value) / (2 * (n - 1)));
    result[key] = { lower: value - half, upper: value + half, confidence, method: BISSELL };
  }

  if (lsl !== undefined && usl !== undefined) {
    const t = target ?? (lsl + usl) / 2;
    let ss = 0;
    for (const x of all) ss += (x - t) * (x - t);
    const tau = snapZero(Math.sqrt(ss / (n - 1)), mu);
    if (tau === 0) why.cpm = 'every value equals the target: Cpm would be infinite';
    else {
      result.cpm = Math.min(t - lsl, usl - t) / (3 * tau);
      result.cpmTarget = t;
    }
  } else {
    why.cpm = 'needs both LSL and USL';
  }
  return result;
}
