import { describe, expect, it } from 'vitest';
import type { DiscoveredTag } from './browse-discovery.js';
import { discoveredBindings } from './discovered-bindings.js';

const tag = (over: Partial<DiscoveredTag>): DiscoveredTag => ({ nodeId: 'ns=2;i=7', path: ['Plant', 'Line 1', 'Filler'], name: 'Temp', type: 'number', unit: '', description: '', serverWritable: false, ...over });
const options = { deviceId: 'plc1', endpoint: 'opc.tcp://plc1:4840', securityMode: 'None', securityPolicy: 'None' };

describe('discoveredBindings', () => {
  it('makes asset paths from browse paths and ids from string NodeIds or the path', () => {
    const out = discoveredBindings(
      {
        tags: [
          tag({ nodeId: 'ns=2;s=Line1.Filler.Temp', unit: '°C', low: 0, high: 100 }),
          tag({ nodeId: 'ns=2;i=8', name: 'Fill Level %' }),
          tag({ nodeId: 'ns=2;s=has spaces', name: 'Speed' }),
        ],
        skipped: [],
        truncated: false,
      },
      { ...options, assetPrefix: 'acme/site1' },
    );
    expect(out.assets.map((a) => a.path)).toEqual(['acme/site1/plant/line_1/filler']);
    expect(out.devices[0]!.tags.map((t) => t.id)).toEqual(['Line1.Filler.Temp', 'acme.site1.plant.line_1.filler.fill_level', 'acme.site1.plant.line_1.filler.speed']);
    expect(out.devices[0]!.tags[0]).toMatchObject({ unit: '°C', low: 0, high: 100, address: 'ns=2;s=Line1.Filler.Temp' });
  });

  it('keeps ids unique, caps the path at the ISA-95 depth and lists what the server lets clients write', () => {
    const deep = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const out = discoveredBindings({ tags: [tag({ path: deep, name: 'x' }), tag({ path: deep, name: 'x', nodeId: 'ns=2;i=9', serverWritable: true })], skipped: [], truncated: false }, options);
    expect(out.devices[0]!.tags[0]!.asset).toBe('a/b/c/d/e/f-g-h');
    expect(new Set(out.devices[0]!.tags.map((t) => t.id)).size).toBe(2);
    expect(out.serverWritable).toEqual([1]);
  });
});
