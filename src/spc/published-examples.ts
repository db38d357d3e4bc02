// Published data sets used by the tests (data only; not part of the public door).

/**
 * Montgomery, Introduction to Statistical Quality Control (6th/7th ed.), Table 6.3:
 * inside diameter (mm) of forged automobile piston rings, 25 subgroups of n = 5.
 * Transcribed from the qcc R package data set `pistonrings` (luca-scr/qcc, data/pistonrings.txt, trial = TRUE rows).
 */
export const PISTON_RINGS: readonly (readonly number[])[] = [
  [74.03, 74.002, 74.019, 73.992, 74.008],
  [73.995, 73.992, 74.001, 74.011, 74.004],
  [73.988, 74.024, 74.021, 74.005, 74.002],
  [74.002, 73.996, 73.993, 74.015, 74.009],
  [73.992, 74.007, 74.015, 73.989, 74.014],
  [74.009, 73.994, 73.997, 73.985, 73.993],
  [73.995, 74.006, 73.994, 74.0, 74.005],
  [73.985, 74.003, 73.993, 74.015, 73.988],
  [74.008, 73.995, 74.009, 74.005, 74.004],
  [73.998, 74.0, 73.99, 74.007, 73.995],
  [73.994, 73.998, 73.994, 73.995, 73.99],
  [74.004, 74.0, 74.007, 74.0, 73.996],
  [73.983, 74.002, 73.998, 73.997, 74.012],
  [74.006, 73.967, 73.994, 74.0, 73.984],
  [74.012, 74.014, 73.998, 73.999, 74.007],
  [74.0, 73.984, 74.005, 73.998, 73.996],
  [73.994, 74.012, 73.986, 74.005, 74.007],
  [74.006, 74.01, 74.018, 74.003, 74.0],
  [73.984, 74.002, 74.003, 74.005, 73.997],
  [74.0, 74.01, 74.013, 74.02, 74.003],
  [73.988, 74.001, 74.009, 74.005, 73.996],
  [74.004, 73.999, 73.99, 74.006, 74.009],
  [74.01, 73.989, 73.99, 74.009, 74.014],
  [74.015, 74.008, 73.993, 74.0, 74.01],
  [73.982, 73.984, 73.995, 74.017, 74.013],
];

/**
 * Montgomery, Table 7.1 (Example 7.1): frozen orange juice cans, 30 samples of n = 50,
 * number of nonconforming cans. Transcribed from qcc `orangejuice` (trial = TRUE rows).
 */
export const ORANGE_JUICE_DEFECTIVES: readonly number[] = [
  12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6,
];

/** NIST/SEMATECH e-Handbook §6.3.2.2, individuals chart example: flow rate of 10 batches. */
export const NIST_FLOW_RATE: readonly number[] = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1];

/** NIST/SEMATECH e-Handbook §6.3.2.4, EWMA example (λ = 0.3, EWMA₀ = 50, s = 2.0539). */
export const NIST_EWMA_DATA: readonly number[] = [
  52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5, 49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1,
];
/** The EWMA values printed in §6.3.2.4 (2 decimals), z₁..z₂₀. */
export const NIST_EWMA_PRINTED: readonly number[] = [
  50.6, 49.52, 50.56, 50.18, 50.16, 49.21, 49.75, 49.85, 50.26, 50.33, 50.11, 49.36, 49.52, 50.05, 49.38, 49.92, 50.73, 51.23, 51.94, 51.99,
];

/** NIST/SEMATECH e-Handbook §6.3.2.3, tabular CUSUM example: subgroup means, target 325, k = 0.3175, h = 4.1959 (σx̄ = 0.635). */
export const NIST_CUSUM_DATA: readonly number[] = [
  324.925, 324.675, 324.725, 324.35, 325.35, 325.225, 324.125, 324.525, 325.225, 324.6, 324.625, 325.15, 328.325, 327.25, 327.825, 328.5,
  326.675, 327.775, 326.875, 328.35,
];
/** §6.3.2.3 printed columns S_hi and S_lo (2 decimals). */
export const NIST_CUSUM_S_HI: readonly number[] = [0, 0, 0, 0, 0.03, 0, 0, 0, 0, 0, 0, 0, 3.01, 4.94, 7.45, 10.63, 11.99, 14.44, 16.0, 19.04];
export const NIST_CUSUM_S_LO: readonly number[] = [0, 0.01, 0, 0.33, 0, 0, 0.56, 0.72, 0.17, 0.25, 0.31, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * Montgomery, Table 9.1 (Example 9.1, EWMA Example 9.2): 30 observations, μ₀ = 10, σ = 1;
 * a shift of 1σ starts at observation 21. Also the IMSL EWMA sample (help.imsl.com, "Montgomery 428").
 */
export const MONTGOMERY_TABLE_9_1: readonly number[] = [
  9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.2, 10.34, 9.03, 11.47, 10.51, 9.4, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84, 10.9, 9.33,
  12.29, 11.5, 10.6, 11.08, 10.38, 11.62, 11.31, 10.52,
];

/** Round to `sig` significant figures, the precision textbooks print. */
export function toSig(x: number, sig = 4): number {
  return Number(x.toPrecision(sig));
}

/** Montgomery, Example 7.3 (Table 7.7): nonconformities in 26 samples of 100 printed circuit boards. From qcc `circuit` (trial rows). */
export const CIRCUIT_BOARDS: readonly number[] = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15];

/** Montgomery, Example 7.4: nonconformities in 20 samples of 5 personal computers. From qcc `pcmanufact`. */
export const PC_NONCONFORMITIES: readonly number[] = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5];

/** Montgomery, Example 7.5: dyed cloth, nonconformities and inspected units of 50 m² (variable size). From qcc `dyedcloth`. */
export const DYED_CLOTH_COUNTS: readonly number[] = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23];
export const DYED_CLOTH_UNITS: readonly number[] = [10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5];

/**
 * Distance between a computed value and a printed one, in units of the printed
 * last decimal place. Textbooks round intermediate results (c̄ = 19.85 before
 * taking √c̄), so an exact computation may differ from the print by up to one unit.
 */
export function printedUnits(actual: number, printed: number, decimals: number): number {
  return Math.abs(actual - printed) / 10 ** -decimals;
}
