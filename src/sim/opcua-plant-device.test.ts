import { describe, expect, it } from 'vitest';
import { loadSiteConfig, parseSiteConfig } from '../config/index.js';
import { createPlant, demoSiteConfig, plantOpcuaDevice } from './index.js';

const endpoint = 'opc.tcp://localhost:4840/fabrik/plant';

describe('plantOpcuaDevice', () => {
  it('binds the chosen signals at ns=<n>;s=<address> with the same tag ids, gauges sampled faster', () => {
    const d = plantOpcuaDevice({ endpoint, prefixes: ['cnc1.'], namespaceIndex: 3 });
    expect(d.protocol).toBe('opcua');
    const ids = (d.tags ?? []).map((t) => t.id);
    expect(ids.every((id) => id.startsWith('cnc1.'))).toBe(true);
    expect(d.tags!.find((t) => t.id === 'cnc1.lathe.part_diameter')).toMatchObject({ address: 'ns=3;s=cnc1.lathe.part_diameter', samplingInterval: '250ms' });
    expect(d.tags!.find((t) => t.id === 'cnc1.lathe.spindle_speed')).toMatchObject({ samplingInterval: '1s' });
  });

  it('puts the demo CNC cell on OPC UA and keeps every tag of the demo bound once', () => {
    const sim = parseSiteConfig(demoSiteConfig());
    const opcua = parseSiteConfig(demoSiteConfig({ cncOpcua: { endpoint } }));
    const all = (c: typeof sim) => c.devices.flatMap((d) => d.tags.map((t) => t.id)).sort();
    expect(all(opcua)).toEqual(all(sim));
    expect(opcua.devices.filter((d) => d.id.startsWith('cnc1')).map((d) => [d.id, d.protocol])).toEqual([['cnc1-opcua', 'opcua']]);
  });
});

describe('examples/opcua-site.yaml', () => {
  it('validates and binds signals the plant server serves, with their units and ranges', () => {
    const config = loadSiteConfig(new URL('../../examples/opcua-site.yaml', import.meta.url).pathname);
    const signals = new Map(createPlant().signals().map((s) => [s.address, s]));
    for (const t of config.devices.flatMap((d) => d.tags)) {
      const s = signals.get(t.address.replace(/^ns=1;s=/, ''));
      expect(s, t.id).toBeDefined();
      expect([t.id, t.unit, t.low, t.high]).toEqual([s!.address, s!.unit, s!.low, s!.high]);
    }
  });
});
