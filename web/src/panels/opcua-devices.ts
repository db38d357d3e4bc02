import type { SystemAnswer } from '../api/types.js';

/** OPC UA devices of this node, from the health report (their endpoints are opc.tcp:// URLs). */
export function opcuaDeviceCount(sys: SystemAnswer | undefined): number {
  if (!sys) return 0;
  return Object.values(sys.health.components).filter((c) => String(c.details?.endpoint ?? '').startsWith('opc.tcp://')).length;
}
