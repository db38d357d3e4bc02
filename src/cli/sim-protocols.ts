import { Command, Option } from 'commander';
import type { Plant } from '../sim/index.js';
import { parsePort, parsePositiveInt } from './options.js';
import { formatTable } from './table.js';

export interface SimProtocolOpts {
  modbusPort?: string;
  modbusHost: string;
  sparkplug?: string;
  sparkplugMachines: string;
  groupId: string;
  edgeNodeId: string;
}

/** The flags of `fabrik sim` that serve the plant over real protocols. */
export function simProtocolOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--modbus-port <port>', 'serve the plant over Modbus TCP on this port (a unit id per machine; see fabrik sim modbus-map)').env('FABRIK_MODBUS_PORT').argParser(parsePort))
    .addOption(new Option('--modbus-host <address>', 'address the Modbus server listens on').default('127.0.0.1'))
    .addOption(new Option('--sparkplug <broker-url>', 'publish machines as a Sparkplug B edge node to this broker, e.g. mqtt://127.0.0.1:1883'))
    .addOption(new Option('--sparkplug-machines <list>', 'comma-separated machines for Sparkplug').default('line1.capper'))
    .addOption(new Option('--group-id <id>', 'Sparkplug group id').default('fabrik-demo'))
    .addOption(new Option('--edge-node-id <id>', 'Sparkplug edge node id').default('sim-edge'));
}

/** Starts what the flags ask for; returns a closer and lines to print. */
export async function startSimProtocols(plant: Plant, opts: SimProtocolOpts): Promise<{ lines: string[]; close(): Promise<void> }> {
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  if (opts.modbusPort !== undefined) {
    const { servePlantOverModbus } = await import('../sim/protocols.js');
    const server = await servePlantOverModbus(plant, { host: opts.modbusHost, port: Number(opts.modbusPort) });
    closers.push(() => server.close());
    lines.push(`modbus tcp on ${server.host}:${server.port}: ${server.map.map((u) => `unit ${u.unitId} ${u.machine}`).join(', ')}`);
  }
  if (opts.sparkplug) {
    const { SparkplugEdgeNode } = await import('../sim/protocols.js');
    const machines = opts.sparkplugMachines.split(',').map((m) => m.trim()).filter(Boolean);
    const edge = new SparkplugEdgeNode({ url: opts.sparkplug, plant, machines, groupId: opts.groupId, edgeNodeId: opts.edgeNodeId });
    closers.push(() => edge.close());
    await edge.ready();
    lines.push(`sparkplug b to ${opts.sparkplug}: spBv1.0/${opts.groupId}/+/${opts.edgeNodeId}/… devices ${machines.map((m) => m.replaceAll('.', '-')).join(', ')}`);
  }
  return { lines, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

/** `fabrik sim modbus-map`: the register map of the simulated plant. */
export function modbusMapCommand(): Command {
  return new Command('modbus-map')
    .description('print the Modbus register map of the simulated plant (unit id per machine, 0-based addresses)')
    .addOption(new Option('--lines <n>', 'bottling lines').default(1).argParser(parsePositiveInt))
    .action(async (opts: { lines: number }) => {
      const { createPlant } = await import('../sim/index.js');
      const { plantModbusMap } = await import('../sim/protocols.js');
      const plant = createPlant({ lines: opts.lines });
      const info = new Map(plant.signals().map((s) => [s.address, s]));
      const rows = plantModbusMap(plant).flatMap((u) => u.registers.map((r) => [String(u.unitId), u.machine, r.area, String(r.address), r.type, `${r.area === 'holding' ? 'hr' : 'ir'}:${r.address}:${r.type}`, r.signal, info.get(r.signal)!.unit]));
      process.stdout.write(`${formatTable(['unit', 'machine', 'area', 'address', 'type', 'tag address', 'signal', 'unit'], rows, 60)}\n`);
    });
}
