import type { MachineStateCode } from './machine-state.js';

/** What a bottling line tells each of its machines every tick. */
export interface LineTick {
  dtMs: number;
  state: MachineStateCode;
  /** Whole items (bottles) that passed this machine during the tick. */
  items: number;
  /** Actual line speed, bottles per minute. */
  speedBpm: number;
  nominalBpm: number;
  /** Chilled water supply temperature, °C (the product heat exchanger follows it). */
  chillerSupplyC: number;
}
