import { resolve } from 'node:path';
import { format } from 'node:util';
import { Option } from 'commander';
import type { Logger } from 'pino';
import type { Plant } from '../sim/index.js';
import { parsePort } from './options.js';

export interface SimOpcuaOpts {
  opcuaPort?: string;
  opcuaPki: string;
}

export const opcuaPortOption = () =>
  new Option('--opcua-port <port>', 'serve the plant over OPC UA on this port (0 picks a free one); users from FABRIK_SIM_OPCUA_USERS="name:password,..."').env('FABRIK_SIM_OPCUA_PORT').argParser(parsePort);

export const opcuaPkiOption = () =>
  new Option('--opcua-pki <dir>', "folder of the OPC UA server's certificate (made on first start)").env('FABRIK_SIM_OPCUA_PKI').default('data/sim/opcua-pki');

/** Starts the plant's OPC UA server when --opcua-port is given and says where it listens. */
export async function serveOpcua(plant: Plant, opts: SimOpcuaOpts): Promise<{ stop(): Promise<void> } | null> {
  if (opts.opcuaPort === undefined) return null;
  const users = (process.env['FABRIK_SIM_OPCUA_USERS'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const cut = pair.indexOf(':');
      if (cut <= 0) throw new Error(`FABRIK_SIM_OPCUA_USERS: expected "name:password", got "${pair}"`);
      return { username: pair.slice(0, cut), password: pair.slice(cut + 1) };
    });
  // node-opcua is loaded only when the server is asked for; its notices (console.log) go to stderr, stdout is the signal table.
  console.log = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  const { startOpcuaPlantServer } = await import('../sim/opcua-plant-server.js');
  const server = await startOpcuaPlantServer({ plant, port: Number(opts.opcuaPort), pkiDir: resolve(opts.opcuaPki), users }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`OPC UA port ${opts.opcuaPort} is in use; pick another with --opcua-port (or FABRIK_SIM_OPCUA_PORT)`, { cause: err });
    throw err;
  });
  process.stderr.write(`OPC UA server: ${server.endpoint} (namespace ${server.namespaceIndex}; security None, Sign and SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss; ${users.length} user(s) besides anonymous)\n`);
  return server;
}

/** For `fabrik demo --opcua`: the plant, served over OPC UA on a free localhost port, for the node to read the CNC cell from. */
export async function serveDemoOpcua(dataDir: string, plant: Plant, logger: Logger): Promise<{ device: { endpoint: string; namespaceIndex: number }; stop(): Promise<void> }> {
  // node-opcua's own notices (e.g. W27 on Node 20's PKCS#1 v1.5 change, which only the legacy
  // Basic128Rsa15 policy needs) go to the log at debug level, not onto the demo's banner.
  const { routeLibraryLogs } = await import('../adapters/opcua/library-logs.js');
  routeLibraryLogs(logger.child({ part: 'opcua-sim' }));
  const { startOpcuaPlantServer } = await import('../sim/opcua-plant-server.js');
  const server = await startOpcuaPlantServer({ plant, port: 0, hostname: 'localhost', pkiDir: resolve(dataDir, 'sim', 'opcua-pki') });
  return { device: { endpoint: server.endpoint, namespaceIndex: server.namespaceIndex }, stop: () => server.stop() };
}
