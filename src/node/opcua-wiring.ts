import { join } from 'node:path';
import type { OpcuaCertificates } from '../api/index.js';
import type { DeviceConfig } from '../config/index.js';
import type { FabrikEvent, Source, TagRegistry } from '../core/index.js';
import type { Logger } from 'pino';

/** Where the node keeps its OPC UA client certificate and trust list. */
export function opcuaPkiDir(dataDir: string): string {
  return join(dataDir, 'opcua', 'pki');
}

// The OPC UA adapter (node-opcua) is loaded on first use: a node without OPC UA devices starts without it.
const adapter = () => import('../adapters/opcua/index.js');

/** The trust list the API shows and changes. */
export function opcuaCertificates(dataDir: string): OpcuaCertificates {
  const pkiDir = opcuaPkiDir(dataDir);
  return {
    list: async () => (await adapter()).clientTrustList(pkiDir).list(),
    trust: async (thumbprint) => (await adapter()).clientTrustList(pkiDir).trust(thumbprint),
  };
}

/** A source for an OPC UA device of the site config. */
export async function createOpcuaDeviceSource(device: Extract<DeviceConfig, { protocol: 'opcua' }>, ctx: { tags: TagRegistry; dataDir: string; logger: Logger; recordEvent?: (event: FabrikEvent) => void }): Promise<Source> {
  const { createOpcuaSource, routeLibraryLogs } = await adapter();
  routeLibraryLogs(ctx.logger.child({ part: 'opcua' }));
  return createOpcuaSource({ device, tags: ctx.tags, pkiDir: opcuaPkiDir(ctx.dataDir), logger: ctx.logger.child({ part: 'opcua', device: device.id }), ...(ctx.recordEvent ? { onEvent: ctx.recordEvent } : {}) });
}
