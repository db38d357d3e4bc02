import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from './load.js';
import { mqttDeviceSchema } from './protocols/mqtt.js';

describe('examples/connect-machines.yaml', () => {
  it('is a valid site config with canonical Modbus addresses', () => {
    const config = loadSiteConfig(fileURLToPath(new URL('../../examples/connect-machines.yaml', import.meta.url)));
    expect(config.devices.map((d) => d.protocol)).toEqual(['modbus', 'mqtt', 'mqtt']);
    expect(config.devices[0]!.tags.map((t) => t.address)).toContain('ir:5.0');
    expect(config.mqtt.broker?.port).toBe(1883);
  });
});

describe('mqtt tag addresses are checked when the config is validated', () => {
  const device = (mode: 'json' | 'sparkplug', address: string, extra: Record<string, unknown> = {}) =>
    mqttDeviceSchema.safeParse({ id: 'd', protocol: 'mqtt', options: { url: 'mqtt://b', mode, ...(mode === 'sparkplug' ? { sparkplug: { groupId: 'g' } } : {}) }, tags: [{ id: 't', asset: 'a/b', address, ...extra }] });
  const messages = (r: ReturnType<typeof device>) => (r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

  it('accepts topic filters and Sparkplug metric paths', () => {
    expect(device('json', 'plant/+/temp').success).toBe(true);
    expect(device('json', 'plant/#').success).toBe(true);
    expect(device('sparkplug', 'gw1/capper/Motor/Speed').success).toBe(true);
    expect(device('sparkplug', 'gw1/uptime').success).toBe(true);
  });

  it('names the problem and where it is', () => {
    expect(messages(device('json', 'plant/#/temp'))).toEqual(['tags.0.address: topic pattern "plant/#/temp": "#" must be a whole level and the last one']);
    expect(messages(device('json', 'plant/l+'))[0]).toMatch(/"\+" must be a whole level/);
    expect(messages(device('sparkplug', 'gw1/+/x'))[0]).toMatch(/^tags\.0\.address: a Sparkplug tag address/);
    expect(messages(device('sparkplug', 'metric'))[0]).toMatch(/edgeNodeId/);
    expect(messages(device('sparkplug', 'gw1/m', { field: '$.v' }))[0]).toMatch(/^tags\.0\.field: /);
  });
});
