import type { TagDataType } from '../../core/index.js';

/** A value ready for a batch: a number (booleans as 0/1) or a text. */
export type TagValue = { text: false; value: number } | { text: true; value: string };

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * Coerces a decoded payload value to a tag's data type; undefined when it
 * does not fit (counted as "wrong-type"). Numeric strings are accepted for
 * numeric tags because many gateways send "21.5".
 */
export function coerceTagValue(v: unknown, type: TagDataType): TagValue | undefined {
  switch (type) {
    case 'string':
      if (typeof v === 'string') return { text: true, value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { text: true, value: String(v) };
      return undefined;
    case 'boolean':
      if (typeof v === 'boolean') return { text: false, value: v ? 1 : 0 };
      if (v === 0 || v === 1) return { text: false, value: v };
      if (v === 'true' || v === 'false') return { text: false, value: v === 'true' ? 1 : 0 };
      return undefined;
    case 'number':
    case 'integer': {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (typeof v === 'string' && NUMERIC.test(v)) n = Number(v);
      else return undefined;
      if (!Number.isFinite(n)) return undefined;
      return { text: false, value: type === 'integer' ? Math.round(n) : n };
    }
  }
}
