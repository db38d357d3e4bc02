/** Western Electric rules 1–4 and Nelson rules 1–8, each switchable. */
export const RULE_IDS = ['we1', 'we2', 'we3', 'we4', 'nelson1', 'nelson2', 'nelson3', 'nelson4', 'nelson5', 'nelson6', 'nelson7', 'nelson8'] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Which rules are on; a missing key means off. */
export type RuleSet = Partial<Record<RuleId, boolean>>;

/** The classical Western Electric set (Western Electric Statistical Quality Control Handbook, 1956). */
export const DEFAULT_RULES: Readonly<Record<RuleId, boolean>> = {
  we1: true,
  we2: true,
  we3: true,
  we4: true,
  nelson1: false,
  nelson2: false,
  nelson3: false,
  nelson4: false,
  nelson5: false,
  nelson6: false,
  nelson7: false,
  nelson8: false,
};

/** One rule firing at one point. */
export interface Violation {
  rule: RuleId;
  /** Index of the point that completes the pattern (where the rule fires). */
  index: number;
  /** Indices of the points that make up the pattern, ascending. */
  points: number[];
  message: string;
}

/** Human text of each rule, as an operator reads it. */
export const RULE_MESSAGES: Readonly<Record<RuleId, string>> = {
  we1: 'WE1: one point beyond 3σ',
  we2: 'WE2: 2 of 3 points in zone A or beyond (beyond 2σ), same side',
  we3: 'WE3: 4 of 5 points in zone B or beyond (beyond 1σ), same side',
  we4: 'WE4: 8 points in a row on the same side of the centre line',
  nelson1: 'Nelson 1: one point beyond 3σ',
  nelson2: 'Nelson 2: 9 points in a row on the same side of the centre line',
  nelson3: 'Nelson 3: 6 points in a row steadily increasing or decreasing',
  nelson4: 'Nelson 4: 14 points in a row alternating up and down',
  nelson5: 'Nelson 5: 2 of 3 points beyond 2σ, same side',
  nelson6: 'Nelson 6: 4 of 5 points beyond 1σ, same side',
  nelson7: 'Nelson 7: 15 points in a row within 1σ of the centre line',
  nelson8: 'Nelson 8: 8 points in a row beyond 1σ, either side',
};

/** Bit of each rule in a fired-rules mask (bit i = RULE_IDS[i]). */
export const RULE_BIT: Readonly<Record<RuleId, number>> = Object.fromEntries(RULE_IDS.map((r, i) => [r, 1 << i])) as Record<RuleId, number>;

/** Bitmask of the enabled rules. */
export function ruleMask(rules: RuleSet): number {
  let m = 0;
  for (const r of RULE_IDS) if (rules[r]) m |= RULE_BIT[r];
  return m;
}

/**
 * Distance from the centre in sigmas. Zero sigma (constant process) gives 0 on
 * the centre and ±Infinity off it, never NaN, so every comparison stays defined.
 */
export function zScore(value: number, center: number, sigma: number): number {
  const d = value - center;
  if (sigma > 0) return d / sigma;
  return d === 0 ? 0 : d > 0 ? Infinity : -Infinity;
}
