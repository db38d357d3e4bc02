import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from './load.js';

describe('examples/connect-machines.yaml', () => {
  it('is a valid site config with canonical Modbus addresses', () => {
    const config = loadSiteConfig(fileURLToPath(new URL('../../examples/connect-machines.yaml', import.meta.url)));
    expect(config.devices.map((d) => d.protocol)).toEqual(['modbus', 'mqtt', 'mqtt']);
    expect(config.devices[0]!.tags.map((t) => t.address)).toContain('ir:5.0');
    expect(config.mqtt.broker?.port).toBe(1883);
  });
});
