import type { SiteConfigInput } from '../config/index.js';
import { demoInferenceConfig } from './camera-demo-inference.js';
import { demoAlarmsConfig, demoSpcConfig } from './demo-quality-config.js';
import { Plant } from './plant.js';
import { plantOpcuaDevice } from './opcua-plant-device.js';
import { plantTagBinding } from './plant-tag-binding.js';

/** Options of the generated demo site config. */
export interface DemoSiteOptions {
  /** Number of bottling lines (19 tags each; 526 lines ≈ 10,000 tags). Default 1. */
  lines?: number;
  /** Read the CNC cell over OPC UA from this plant server (see `startOpcuaPlantServer`) instead of in-process. */
  cncOpcua?: { endpoint: string; namespaceIndex?: number };
}

const STATE_MAP = { '0': 'off', '1': 'idle', '2': 'running', '3': 'faulted' } as const;

/**
 * The site config of the demo plant with N bottling lines: every plant signal
 * bound to a tag whose id is its address. `examples/demo-site.yaml` is the
 * commented one-line version of this document.
 */
export function demoSiteConfig(options: DemoSiteOptions = {}): SiteConfigInput {
  const plant = new Plant({ lines: options.lines ?? 1 });
  const devices = new Map<string, { id: string; protocol: 'sim'; interval: string; tags: NonNullable<SiteConfigInput['devices']>[number]['tags'] }>();
  for (const s of plant.signals()) {
    const group = s.address.slice(0, s.address.indexOf('.'));
    // Per-part measurements get their own fast device: a gauge reports each part once, when measured.
    const id = s.measured ? `${group}-gauge` : group;
    let device = devices.get(id);
    if (!device) {
      device = { id, protocol: 'sim', interval: s.measured ? '250ms' : '1s', tags: [] };
      devices.set(id, device);
    }
    device.tags!.push(plantTagBinding(s));
  }
  return {
    site: { id: 'demo', name: 'Demo bottling and machining plant', enterprise: 'acme', timezone: 'Europe/Berlin' },
    assets: plant.assets().map((a) => ({
      path: a.path,
      kind: a.kind,
      description: a.description,
      ...(a.stateAddress ? { stateTag: a.stateAddress, stateMap: { ...STATE_MAP } } : {}),
    })),
    devices: options.cncOpcua ? [...[...devices.values()].filter((d) => !d.id.startsWith('cnc1')), cncOpcuaDevice(options.cncOpcua)] : [...devices.values()],
    retention: {
      defaultClass: 'standard',
      classes: {
        standard: { raw: '30d', archive: '365d' },
        quality: { raw: '90d', archive: '3650d' },
        short: { raw: '7d', archive: '90d' },
      },
    },
    shifts: [
      { name: 'early', start: '06:00', end: '14:00' },
      { name: 'late', start: '14:00', end: '22:00' },
      { name: 'night', start: '22:00', end: '06:00' },
    ],
    kpi: { lines: lineKpis(options.lines ?? 1) },
    inference: demoInferenceConfig(),
    spc: demoSpcConfig(),
    alarms: demoAlarmsConfig(),
    // The demo is a lab on localhost: plain-text HTTP by explicit choice (see README, Security).
    security: { tls: 'off' },
  };
}

function cncOpcuaDevice(o: NonNullable<DemoSiteOptions['cncOpcua']>) {
  return plantOpcuaDevice({ id: 'cnc1-opcua', endpoint: o.endpoint, prefixes: ['cnc1.'], ...(o.namespaceIndex !== undefined ? { namespaceIndex: o.namespaceIndex } : {}) });
}

/** A bottling line runs when its filler runs, makes what the filler fills and loses every reject on the way; the lathe one part per 8 s cycle. */
function lineKpis(lines: number): NonNullable<SiteConfigInput['kpi']>['lines'] {
  const bottling = Array.from({ length: lines }, (_, i) => {
    const line = `line${i + 1}`;
    return {
      asset: `acme/demo/bottling/${line}`,
      stateTag: `${line}.filler.state`,
      countTag: `${line}.filler.bottles`,
      scrapTags: [`${line}.filler.rejects`, `${line}.capper.rejects`, `${line}.labeller.defects`],
      idealRate: 300,
      unit: 'bottles',
    };
  });
  return [...bottling, { asset: 'acme/demo/machining/cnc1', stateTag: 'cnc1.lathe.state', countTag: 'cnc1.lathe.parts', idealRate: 7.5, unit: 'parts' }];
}
