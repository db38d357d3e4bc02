import { ASSET_SEGMENT, ISA95_LEVELS } from '../../core/index.js';
import type { Discovery } from './browse-discovery.js';

/** How discovered variables become tag bindings. */
export interface BindingOptions {
  deviceId: string;
  endpoint: string;
  securityMode: string;
  securityPolicy: string;
  /** Asset path segments put before the browse path, e.g. "acme/plant1". */
  assetPrefix?: string;
}

/** A site-config fragment: the assets the tags sit on and one OPC UA device with a binding per variable. */
export interface DiscoveredConfig {
  assets: { path: string; kind: 'machine'; description: string }[];
  devices: {
    id: string;
    protocol: 'opcua';
    options: { endpoint: string; securityMode: string; securityPolicy: string };
    tags: { id: string; asset: string; address: string; type: string; unit?: string; low?: number; high?: number; description?: string }[];
  }[];
  /** Tag ids (index in `devices[0].tags`) the server lets clients write: worth a look before marking them writable. */
  serverWritable: number[];
}

const TAG_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Turns a browse result into config the site schema accepts: asset paths from
 * the browse path (lower-cased, at most the ISA-95 depth), tag ids from string
 * NodeIds where they are valid ids, else asset path + browse name; unique.
 */
export function discoveredBindings(discovery: Discovery, options: BindingOptions): DiscoveredConfig {
  const prefix = (options.assetPrefix ?? '').split('/').filter(Boolean).map(segment);
  const assets = new Map<string, DiscoveredConfig['assets'][number]>();
  const ids = new Set<string>();
  const serverWritable: number[] = [];
  const tags = discovery.tags.map((t, i) => {
    let path = [...prefix, ...t.path.map(segment)];
    if (path.length === 0) path = [segment(options.deviceId)];
    if (path.length > ISA95_LEVELS.length) path = [...path.slice(0, ISA95_LEVELS.length - 1), path.slice(ISA95_LEVELS.length - 1).join('-').slice(0, 63)];
    const asset = path.join('/');
    if (!assets.has(asset)) assets.set(asset, { path: asset, kind: 'machine', description: t.path.join(' / ') });
    const stringId = /^(?:(?:ns=\d+|nsu=[^;]+);)?s=(.+)$/s.exec(t.nodeId)?.[1];
    let id = stringId && TAG_ID.test(stringId) ? stringId : `${path.join('.')}.${segment(t.name)}`.slice(0, 128);
    for (let n = 2; ids.has(id); n++) id = `${id.replace(/-\d+$/, '')}-${n}`;
    ids.add(id);
    if (t.serverWritable) serverWritable.push(i);
    return {
      id,
      asset,
      address: t.nodeId,
      type: t.type,
      ...(t.unit ? { unit: t.unit } : {}),
      ...(t.low !== undefined && t.high !== undefined ? { low: t.low, high: t.high } : {}),
      ...(t.description ? { description: t.description } : {}),
    };
  });
  return {
    assets: [...assets.values()],
    devices: [{ id: options.deviceId, protocol: 'opcua', options: { endpoint: options.endpoint, securityMode: options.securityMode, securityPolicy: options.securityPolicy }, tags }],
    serverWritable,
  };
}

/** A browse name as an asset path segment or point name. */
function segment(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '').slice(0, 63);
  return ASSET_SEGMENT.test(s) ? s : `n${s}`.slice(0, 63);
}
