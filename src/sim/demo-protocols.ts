import type { SiteConfig, SiteConfigInput } from '../config/index.js';
import type { Plant } from './plant.js';
import { plantModbusMap } from './plant-modbus.js';
import { SPARKPLUG_DEFAULTS, sparkplugDeviceId } from './sparkplug-edge-node.js';

/** Machines the demo reads over Modbus TCP: the filler and the utilities, as a plant's PLCs would serve them. */
export const DEMO_MODBUS_MACHINES = ['line1.filler', 'utilities'] as const;
/** The machine the demo reads as a Sparkplug B device through the node's own broker. */
export const DEMO_SPARKPLUG_MACHINES = ['line1.capper'] as const;

export interface DemoProtocolOptions {
  modbus: { host: string; port: number; machines?: readonly string[] };
  sparkplug: { url: string; machines?: readonly string[]; groupId?: string; edgeNodeId?: string };
  /** Port of the node's embedded broker (the Sparkplug url points at it). */
  brokerPort: number;
}

const under = (address: string, machines: readonly string[]): string | undefined => {
  const machine = address.split('.').slice(0, -1).join('.');
  return machines.some((m) => machine === m || machine.startsWith(`${m}.`)) ? machine : undefined;
};

/**
 * The demo site config with some machines moved off the in-process simulator
 * onto real sockets: tags keep their ids, assets, ranges and deadbands; only
 * the device (and with it the address) changes. Per-part gauges stay on the
 * simulator, since a poll would miss parts between two reads.
 */
export function routeDemoOverProtocols(config: SiteConfig, plant: Plant, opts: DemoProtocolOptions): SiteConfigInput {
  const modbusMachines = opts.modbus.machines ?? DEMO_MODBUS_MACHINES;
  const sparkMachines = opts.sparkplug.machines ?? DEMO_SPARKPLUG_MACHINES;
  const groupId = opts.sparkplug.groupId ?? SPARKPLUG_DEFAULTS.groupId;
  const edgeNodeId = opts.sparkplug.edgeNodeId ?? SPARKPLUG_DEFAULTS.edgeNodeId;
  const measured = new Set(plant.signals().filter((s) => s.measured).map((s) => s.address));
  const units = new Map(plantModbusMap(plant).map((u) => [u.machine, u]));
  const modbus = new Map<string, { id: string; protocol: 'modbus'; interval: number; options: { host: string; port: number; unitId: number }; tags: unknown[] }>();
  const spark: unknown[] = [];
  const devices: unknown[] = [];
  for (const device of config.devices) {
    if (device.protocol !== 'sim') {
      devices.push(device);
      continue;
    }
    const kept: unknown[] = [];
    for (const t of device.tags) {
      const onModbus = measured.has(t.address) ? undefined : under(t.address, modbusMachines);
      const onSpark = measured.has(t.address) ? undefined : under(t.address, sparkMachines);
      if (onModbus) {
        const unit = units.get(onModbus)!;
        const reg = unit.registers.find((r) => r.signal === t.address)!;
        const id = onModbus.replaceAll('.', '-');
        let d = modbus.get(id);
        if (!d) modbus.set(id, (d = { id, protocol: 'modbus', interval: device.interval, options: { host: opts.modbus.host, port: opts.modbus.port, unitId: unit.unitId }, tags: [] }));
        d.tags.push({ ...t, address: `${reg.area === 'holding' ? 'hr' : 'ir'}:${reg.address}:${reg.type}` });
      } else if (onSpark) {
        spark.push({ ...t, address: `${edgeNodeId}/${sparkplugDeviceId(onSpark)}/${t.address.split('.').at(-1)!}` });
      } else {
        kept.push(t);
      }
    }
    if (kept.length > 0) devices.push({ ...device, tags: kept });
  }
  devices.push(...modbus.values());
  if (spark.length > 0) {
    devices.push({ id: `sparkplug-${edgeNodeId}`, protocol: 'mqtt', options: { url: opts.sparkplug.url, mode: 'sparkplug', sparkplug: { groupId, edgeNodeId } }, tags: spark });
  }
  return {
    ...(config as unknown as SiteConfigInput),
    devices: devices as SiteConfigInput['devices'],
    // A lab on loopback, like the demo's plain-text HTTP: the simulator's edge node logs in without a token.
    mqtt: { broker: { host: config.mqtt.broker?.host ?? '127.0.0.1', port: opts.brokerPort, auth: 'none', tls: 'off' }, uns: config.mqtt.uns ?? { prefix: '' }, sparkplug: config.mqtt.sparkplug ?? { groupId: 'fabrik-site', edgeNodeId: 'demo' } },
  };
}
