/** Numeric type of a signal as a tag would declare it. */
export type SignalType = 'number' | 'integer';

/** Hints for the site config generated for a signal (deadband, range check, retention). */
export interface SignalHints {
  /** Absolute deadband in engineering units for analog values. */
  deadband?: number;
  /** Valid range worth a range check. */
  range?: readonly [number, number];
  /** Retention class name. */
  retention?: string;
}

/** How a machine model exposes one of its values (internal to the simulator). */
export interface SignalDef {
  /** Point name, the last segment of the address. */
  point: string;
  unit: string;
  type: SignalType;
  low: number;
  high: number;
  /** Sensor resolution as decimals (2 → 0.01); the value is rounded to it when read. */
  decimals: number;
  description: string;
  read(): number;
  write?(value: number): void;
  /** For per-item measurements: sim time of the latest measurement, NaN before the first. */
  measuredAt?(): number;
  hints?: SignalHints;
}

/** A signal of the plant as the outside sees it. */
export interface SignalInfo {
  /** Read address, e.g. "line1.filler.product_temp". */
  address: string;
  unit: string;
  type: SignalType;
  /** Engineering range. */
  low: number;
  high: number;
  /** Smallest step of the value (sensor resolution), e.g. 0.01. */
  resolution: number;
  /** Suggested ISA-95 asset path of the equipment. */
  assetPath: string;
  description: string;
  writable: boolean;
  /** True for per-item measurements (a new value per part, not a continuous signal). */
  measured: boolean;
  hints: SignalHints;
}
