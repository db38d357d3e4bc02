import type { SiteConfigInput } from '../config/index.js';
import { plantTagBinding } from './plant-tag-binding.js';
import { Plant } from './plant.js';

type DeviceInput = NonNullable<SiteConfigInput['devices']>[number];

/** Which signals of the plant server an OPC UA device reads, and how it connects. */
export interface PlantOpcuaDeviceOptions {
  /** Endpoint of `startOpcuaPlantServer`, e.g. "opc.tcp://localhost:4840/fabrik/plant". */
  endpoint: string;
  /** Device id. Default "plant-opcua". */
  id?: string;
  /** Signal address prefixes to bind, e.g. ["cnc1."]; default every signal. */
  prefixes?: string[];
  /** Bottling lines of the plant behind the server. Default 1. */
  lines?: number;
  /** Namespace index of the plant's nodes (the server's `namespaceIndex`). Default 1. */
  namespaceIndex?: number;
  securityMode?: 'None' | 'Sign' | 'SignAndEncrypt';
  securityPolicy?: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  identity?: { type: 'anonymous' } | { type: 'username'; username: string; password?: string; passwordEnv?: string; passwordFile?: string };
}

/**
 * A site-config device reading the plant over OPC UA: the same tag ids,
 * assets and hints as the in-process `sim` devices, bound to
 * `ns=<ns>;s=<address>`; per-part gauges sampled every 250 ms, the rest every second.
 */
export function plantOpcuaDevice(options: PlantOpcuaDeviceOptions): DeviceInput {
  const plant = new Plant({ lines: options.lines ?? 1 });
  const ns = options.namespaceIndex ?? 1;
  const prefixes = options.prefixes ?? [''];
  const tags = plant
    .signals()
    .filter((s) => prefixes.some((p) => s.address.startsWith(p)))
    .map((s) => ({ ...plantTagBinding(s), address: `ns=${ns};s=${s.address}`, samplingInterval: s.measured ? '250ms' : '1s' }));
  return {
    id: options.id ?? 'plant-opcua',
    protocol: 'opcua',
    interval: '1s',
    options: {
      endpoint: options.endpoint,
      securityMode: options.securityMode ?? 'None',
      securityPolicy: options.securityPolicy ?? 'None',
      identity: options.identity ?? { type: 'anonymous' },
      publishingInterval: '250ms',
    },
    tags,
  };
}
