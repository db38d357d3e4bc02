import { describe, expect, it } from 'vitest';
import type { SystemAnswer } from '../api/types.js';
import { opcuaDeviceCount } from './opcua-devices.js';

const system = (components: SystemAnswer['health']['components']): SystemAnswer => ({
  node: { siteId: 's', nodeName: null, version: '0', startedAt: 0, uptimeMs: 0, now: 0 },
  config: { digest: null },
  health: { status: 'ok', components },
  ingest: { received: 0, stored: 0, dropped: 0, queued: 0, perSecond: null },
  store: null,
  stream: { clients: 0 },
});

describe('OPC UA devices of a node', () => {
  it('counts the parts whose endpoint is an opc.tcp URL, not Modbus or the store', () => {
    expect(
      opcuaDeviceCount(
        system({
          store: { state: 'up', since: 0 },
          'cnc1-opcua': { state: 'down', since: 0, details: { endpoint: 'opc.tcp://plc:4840/x', security: 'SignAndEncrypt/Basic256Sha256' } },
          'line1-filler': { state: 'up', since: 0, details: { endpoint: '127.0.0.1:502', unitId: 1 } },
        }),
      ),
    ).toBe(1);
    expect(opcuaDeviceCount(system({ store: { state: 'up', since: 0 } }))).toBe(0);
    expect(opcuaDeviceCount(undefined)).toBe(0);
  });
});
