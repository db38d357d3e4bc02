import { SpcError, SpcErrorCode } from './errors.js';
import { normalCdf } from './normal-distribution.js';

/** Control chart constants for one subgroup size (Montgomery, Appendix VI; ASTM MNL 7). */
export interface ChartConstants {
  n: number;
  d2: number;
  d3: number;
  c4: number;
  A2: number;
  A3: number;
  B3: number;
  B4: number;
  D3: number;
  D4: number;
}

/** Smallest and largest subgroup sizes for which constants are provided. */
export const MIN_SUBGROUP_SIZE = 2;
export const MAX_SUBGROUP_SIZE = 25;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Quadrature grid for the range distribution: one step for both x and w, so
// Φ(x + w) is a table lookup. Simpson with h = 0.01 on [-9, 9] gives d2/d3 to
// ~1e-9, far below the 4 significant figures the tables carry.
const H = 0.01;
const X_MIN = -9;
const STEPS = 1800; // even, for Simpson
const W_STEPS = 1200; // w in [0, 12]; P(R > 12) is below 1e-20 for n <= 25
let phi: Float64Array | undefined;
let dens: Float64Array | undefined;

function grids(): { phi: Float64Array; dens: Float64Array } {
  if (!phi || !dens) {
    const len = STEPS + W_STEPS + 1;
    phi = new Float64Array(len);
    dens = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      const x = X_MIN + i * H;
      phi[i] = normalCdf(x);
      dens[i] = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    }
  }
  return { phi, dens };
}

function simpsonWeight(i: number, last: number): number {
  return i === 0 || i === last ? 1 : i % 2 === 1 ? 4 : 2;
}

/** Mean and standard deviation of the range of n standard normal values. */
function rangeMoments(n: number): { d2: number; d3: number } {
  const { phi: P, dens: f } = grids();
  let m1 = 0;
  let m2 = 0;
  for (let j = 0; j <= W_STEPS; j++) {
    // P(R <= w) = n ∫ φ(x) [Φ(x + w) − Φ(x)]^(n−1) dx
    let cdf = 0;
    for (let i = 0; i <= STEPS; i++) {
      cdf += simpsonWeight(i, STEPS) * f[i]! * (P[i + j]! - P[i]!) ** (n - 1);
    }
    cdf = Math.min(1, (n * cdf * H) / 3);
    const survival = 1 - cdf;
    const wj = simpsonWeight(j, W_STEPS);
    m1 += wj * survival;
    m2 += wj * 2 * j * H * survival;
  }
  const d2 = (m1 * H) / 3;
  const er2 = (m2 * H) / 3;
  return { d2, d3: Math.sqrt(er2 - d2 * d2) };
}

const cache = new Map<number, ChartConstants>();

/**
 * Control chart constants for subgroup size n (2..25), computed from their
 * definitions: c4 from the gamma function, d2/d3 by numerical integration of
 * the range distribution of normal samples; the others follow from these.
 * @throws SpcError SPC_SUBGROUP_SIZE_OUT_OF_RANGE when n is not an integer in 2..25.
 */
export function chartConstants(n: number): ChartConstants {
  if (!Number.isInteger(n) || n < MIN_SUBGROUP_SIZE || n > MAX_SUBGROUP_SIZE) {
    throw new SpcError(
      SpcErrorCode.SubgroupSizeOutOfRange,
      `subgroup size ${n} is outside ${MIN_SUBGROUP_SIZE}..${MAX_SUBGROUP_SIZE}; use an individuals (I-MR) chart for n = 1 and an X̄-S chart with n <= 25`,
    );
  }
  const hit = cache.get(n);
  if (hit) return hit;
  const { d2, d3 } = rangeMoments(n);
  const c4 = Math.sqrt(2 / (n - 1)) * Math.exp(lnGamma(n / 2) - lnGamma((n - 1) / 2));
  const sRatio = (3 * Math.sqrt(1 - c4 * c4)) / c4;
  const constants: ChartConstants = {
    n,
    d2,
    d3,
    c4,
    A2: 3 / (d2 * Math.sqrt(n)),
    A3: 3 / (c4 * Math.sqrt(n)),
    B3: Math.max(0, 1 - sRatio),
    B4: 1 + sRatio,
    D3: Math.max(0, 1 - (3 * d3) / d2),
    D4: 1 + (3 * d3) / d2,
  };
  cache.set(n, constants);
  return constants;
}

/** E2 = 3/d2 for moving ranges of span 2 (individuals chart limits = x̄ ± E2·MR̄). */
export function e2(): number {
  return 3 / chartConstants(2).d2;
}
