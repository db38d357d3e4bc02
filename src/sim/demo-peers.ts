import { createServer } from 'node:net';
import { parseSiteConfig, type SiteConfig } from '../config/index.js';
import { DEMO_SPARKPLUG_MACHINES, routeDemoOverProtocols } from './demo-protocols.js';
import { createPlant, type Plant } from './plant.js';
import { servePlantOverModbus } from './plant-modbus.js';
import { SparkplugEdgeNode } from './sparkplug-edge-node.js';

export interface DemoPeers {
  plant: Plant;
  /** The demo config, rerouted over the sockets below. */
  config: SiteConfig;
  modbusUrl: string;
  brokerPort: number;
  /** Starts the Sparkplug edge node; call once the node (and its broker) runs. */
  startSparkplug(): Promise<SparkplugEdgeNode>;
  close(): Promise<void>;
}

/** `port` when it is free, else a free one: the demo must start even where a broker already has 1883. */
export async function portOrFree(host: string, port: number): Promise<number> {
  const tryListen = (p: number): Promise<number | null> =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen(p, host, () => {
        const got = (s.address() as { port: number }).port;
        s.close(() => resolve(got));
      });
    });
  return (await tryListen(port)) ?? (await tryListen(0))!;
}

/**
 * The demo plant on real sockets: a Modbus TCP server for the filler and
 * utilities, and (once the node's broker runs) a Sparkplug B edge node for
 * the capper. The node then reads them through the same adapters a plant uses.
 */
export async function startDemoPeers(opts: { config: SiteConfig; seed: number; lines?: number; plant?: Plant; host?: string; modbusPort?: number; mqttPort?: number }): Promise<DemoPeers> {
  const host = opts.host ?? '127.0.0.1';
  const plant = opts.plant ?? createPlant({ seed: opts.seed, lines: opts.lines ?? 1, startTime: Date.now() });
  const modbus = await servePlantOverModbus(plant, { host, port: opts.modbusPort ?? 0 });
  const brokerPort = await portOrFree(host, opts.mqttPort ?? 1883);
  const url = `mqtt://${host}:${brokerPort}`;
  const config = parseSiteConfig(routeDemoOverProtocols(opts.config, plant, { modbus: { host, port: modbus.port }, sparkplug: { url }, brokerPort }));
  let edge: SparkplugEdgeNode | undefined;
  return {
    plant,
    config,
    modbusUrl: `modbus-tcp://${host}:${modbus.port}`,
    brokerPort,
    async startSparkplug() {
      edge = new SparkplugEdgeNode({ url, plant, machines: DEMO_SPARKPLUG_MACHINES });
      await edge.ready();
      return edge;
    },
    async close() {
      await edge?.close();
      await modbus.close();
    },
  };
}
