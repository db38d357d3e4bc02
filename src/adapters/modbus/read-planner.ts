import type { ModbusArea } from '../../config/protocols/modbus.js';

/** One value to read: where it is and how many registers (or bits) it spans. */
export interface PlannedItem {
  area: ModbusArea;
  address: number;
  /** Registers for holding/input, always 1 for coils and discrete inputs. */
  width: number;
}

/** One request: `count` registers or bits from `start`, serving `items` (indices into the input). */
export interface PlannedRead {
  area: ModbusArea;
  start: number;
  count: number;
  items: number[];
}

export interface ReadLimits {
  /** Registers per request (protocol maximum 125). */
  maxRegisters: number;
  /** Coils/discrete inputs per request (protocol maximum 2000). */
  maxBits: number;
  /** Unused addresses a request may span to join two ranges; 0 joins only touching ones. */
  maxGap: number;
}

export const PROTOCOL_LIMITS: ReadLimits = { maxRegisters: 125, maxBits: 2000, maxGap: 0 };

const AREAS: readonly ModbusArea[] = ['holding', 'input', 'coil', 'discrete'];

/**
 * Merges the items into the fewest requests: per area, sorted by address,
 * a request grows while the next item starts within `maxGap` of its end and
 * the whole stays within the per-request limit. Overlapping items (a bit
 * field and the register it lives in) share a request. Pure, so the plan can
 * be tested and shown without a device.
 */
export function planReads(items: readonly PlannedItem[], limits: ReadLimits = PROTOCOL_LIMITS): PlannedRead[] {
  const reads: PlannedRead[] = [];
  for (const area of AREAS) {
    const bits = area === 'coil' || area === 'discrete';
    const max = bits ? limits.maxBits : limits.maxRegisters;
    const order = items
      .map((item, i) => ({ item, i }))
      .filter((x) => x.item.area === area)
      .sort((a, b) => a.item.address - b.item.address || b.item.width - a.item.width);
    let cur: PlannedRead | null = null;
    for (const { item, i } of order) {
      const width = bits ? 1 : item.width;
      if (cur) {
        const end = cur.start + cur.count;
        const newEnd = Math.max(end, item.address + width);
        if (item.address <= end + limits.maxGap && newEnd - cur.start <= max) {
          cur.count = newEnd - cur.start;
          cur.items.push(i);
          continue;
        }
      }
      cur = { area, start: item.address, count: width, items: [i] };
      reads.push(cur);
    }
  }
  return reads;
}
