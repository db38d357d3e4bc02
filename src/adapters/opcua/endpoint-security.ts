import { MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import type { OpcuaDevice } from './opcua-device.js';

/** The node-opcua security mode and policy of a configured endpoint. */
export function endpointSecurity(options: Pick<OpcuaDevice['options'], 'securityMode' | 'securityPolicy'>): { securityMode: MessageSecurityMode; securityPolicy: SecurityPolicy } {
  return { securityMode: MessageSecurityMode[options.securityMode], securityPolicy: SecurityPolicy[options.securityPolicy] };
}
