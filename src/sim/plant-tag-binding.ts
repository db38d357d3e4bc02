import type { SignalInfo } from './signal.js';

const HEARTBEAT = '1m';

/** The tag binding of a plant signal: id = address, with its unit, range and deadband hints. */
export function plantTagBinding(s: SignalInfo) {
  const { deadband, range, retention } = s.hints;
  return {
    id: s.address,
    asset: s.assetPath,
    type: s.type,
    ...(s.unit ? { unit: s.unit } : {}),
    description: s.description,
    address: s.address,
    low: s.low,
    high: s.high,
    ...(deadband !== undefined ? { deadband: { absolute: deadband, maxInterval: HEARTBEAT } } : {}),
    ...(range ? { range: { low: range[0], high: range[1], action: 'flag' as const } } : {}),
    ...(retention ? { retention } : {}),
    ...(s.writable ? { writable: true } : {}),
  };
}
