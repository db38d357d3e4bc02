import type { TagBinding } from '../../config/index.js';

type Scale = TagBinding['scale'];

/** Raw device value → engineering units, as the pipeline's scale stage computes it. */
export function toEngineering(raw: number, scale: Scale): number {
  if (!scale) return raw;
  if ('rawLow' in scale) return scale.euLow + ((raw - scale.rawLow) * (scale.euHigh - scale.euLow)) / (scale.rawHigh - scale.rawLow);
  return raw * scale.factor + scale.offset;
}

/** Engineering units → the raw value to write: the inverse of toEngineering. */
export function fromEngineering(eu: number, scale: Scale): number {
  if (!scale) return eu;
  if ('rawLow' in scale) return scale.rawLow + ((eu - scale.euLow) * (scale.rawHigh - scale.rawLow)) / (scale.euHigh - scale.euLow);
  return scale.factor === 0 ? Number.NaN : (eu - scale.offset) / scale.factor;
}
