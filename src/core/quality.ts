/**
 * Sample quality as the OPC DA quality byte that plant engineers already read:
 * the top two bits give the level (good 0b11, uncertain 0b01, bad 0b00), the
 * next four a sub-status. OPC UA StatusCodes, Modbus exceptions and Sparkplug
 * qualities all map onto it.
 */
export const Quality = {
  Good: 192,
  GoodLocalOverride: 216,
  Uncertain: 64,
  UncertainLastUsable: 68,
  UncertainSensorNotAccurate: 80,
  UncertainEuExceeded: 84,
  UncertainSubNormal: 88,
  Bad: 0,
  BadConfigError: 4,
  BadNotConnected: 8,
  BadDeviceFailure: 12,
  BadSensorFailure: 16,
  BadLastKnownValue: 20,
  BadCommFailure: 24,
  BadOutOfService: 28,
} as const;

export type QualityLevel = 'good' | 'uncertain' | 'bad';

export function qualityLevel(q: number): QualityLevel {
  if (q >= 192) return 'good';
  if (q >= 64) return 'uncertain';
  return 'bad';
}

export function isGood(q: number): boolean {
  return q >= 192;
}

const NAMES = new Map<number, string>(
  Object.entries(Quality).map(([name, code]) => [code, name]),
);

/** Human name of a quality code, e.g. 84 → "UncertainEuExceeded". */
export function qualityName(q: number): string {
  return NAMES.get(q) ?? `${qualityLevel(q)}(${q})`;
}

/** The worse of two qualities (lower level wins; same level keeps the first). */
export function worseQuality(a: number, b: number): number {
  return (b & 0xc0) < (a & 0xc0) ? b : a;
}
