import path from 'node:path';
import {
  DataType,
  DataValue,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  nodesets,
  type Namespace,
  type StatusCode,
  type UAObject,
} from 'node-opcua';
import { Quality } from '../core/index.js';
import type { Plant } from './plant.js';

/** How the plant's OPC UA server listens and whom it lets in. */
export interface OpcuaPlantServerOptions {
  plant: Plant;
  /** TCP port; 0 picks a free one. Default 4840. */
  port?: number;
  /** Folder of the server's own certificate and its trust lists (created on first start). */
  pkiDir: string;
  /** Anonymous sessions are allowed unless false. */
  allowAnonymous?: boolean;
  /** Username/password pairs accepted on any endpoint. */
  users?: { username: string; password: string }[];
  /** Endpoints offered. Default: None plus Sign and SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss. */
  securityModes?: ('None' | 'Sign' | 'SignAndEncrypt')[];
  securityPolicies?: ('None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss')[];
  /** Host name in the endpoint URLs. Default "localhost". */
  hostname?: string;
}

/** A running plant server. */
export interface OpcuaPlantServer {
  /** e.g. "opc.tcp://localhost:4840/fabrik/plant" */
  endpoint: string;
  port: number;
  /** Namespace index of the plant's nodes: a signal is at `ns=<ns>;s=<address>`. */
  namespaceIndex: number;
  /** Its URI: `nsu=<uri>;s=<address>` names a signal whatever the index. */
  namespaceUri: string;
  stop(): Promise<void>;
}

/** The path the plant server answers under. */
export const PLANT_RESOURCE_PATH = '/fabrik/plant';

const STATUS_OF_QUALITY = new Map<number, StatusCode>([
  [Quality.Good, StatusCodes.Good],
  [Quality.GoodLocalOverride, StatusCodes.GoodLocalOverride],
  [Quality.Uncertain, StatusCodes.Uncertain],
  [Quality.UncertainLastUsable, StatusCodes.UncertainLastUsableValue],
  [Quality.UncertainSensorNotAccurate, StatusCodes.UncertainSensorNotAccurate],
  [Quality.UncertainEuExceeded, StatusCodes.UncertainEngineeringUnitsExceeded],
  [Quality.UncertainSubNormal, StatusCodes.UncertainSubNormal],
  [Quality.BadConfigError, StatusCodes.BadConfigurationError],
  [Quality.BadNotConnected, StatusCodes.BadNotConnected],
  [Quality.BadDeviceFailure, StatusCodes.BadDeviceFailure],
  [Quality.BadSensorFailure, StatusCodes.BadSensorFailure],
  [Quality.BadCommFailure, StatusCodes.BadCommunicationError],
  [Quality.BadOutOfService, StatusCodes.BadOutOfService],
]);

/**
 * Serves the simulated plant over OPC UA: one folder per area, line and
 * cell, one object per machine, one AnalogItem per signal (engineering
 * units, EURange) at `ns=1;s=<signal address>`. Values are read from the
 * plant when the server samples them, with the plant's sample time as source
 * timestamp and its fault quality as StatusCode; setpoints are writable.
 */
export async function startOpcuaPlantServer(options: OpcuaPlantServerOptions): Promise<OpcuaPlantServer> {
  const { plant } = options;
  const modes = options.securityModes ?? ['None', 'Sign', 'SignAndEncrypt'];
  const policies = options.securityPolicies ?? ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'];
  const users = new Map((options.users ?? []).map((u) => [u.username, u.password]));
  const certificates = new OPCUACertificateManager({ rootFolder: path.resolve(options.pkiDir), automaticallyAcceptUnknownCertificate: true, name: 'fabrik-sim' });
  await certificates.initialize();
  // User certificates (X509 identity) are accepted as they come: the simulator is a lab peer. Kept in pkiDir, not in $HOME.
  const userCertificates = new OPCUACertificateManager({ rootFolder: path.join(path.resolve(options.pkiDir), 'users'), automaticallyAcceptUnknownCertificate: true, name: 'fabrik-sim-users' });
  await userCertificates.initialize();
  const server = new OPCUAServer({
    port: options.port ?? 4840,
    hostname: options.hostname ?? 'localhost',
    resourcePath: PLANT_RESOURCE_PATH,
    nodeset_filename: [nodesets.standard],
    serverCertificateManager: certificates,
    userCertificateManager: userCertificates,
    securityModes: modes.map((m) => MessageSecurityMode[m]),
    securityPolicies: policies.map((p) => SecurityPolicy[p]),
    allowAnonymous: options.allowAnonymous ?? true,
    userManager: { isValidUser: (username: string, password: string) => users.get(username) === password },
    serverInfo: { applicationName: { text: 'Fabrik simulated plant' }, applicationUri: 'urn:fabrik:sim:plant', productUri: 'urn:fabrik:sim' },
    buildInfo: { productName: 'Fabrik plant simulator', manufacturerName: 'Fabrik', softwareVersion: '0.1.0' },
    maxConnectionsPerEndpoint: 100,
  });
  await server.initialize();
  const namespace = server.engine.addressSpace!.getOwnNamespace();
  buildPlantAddressSpace(namespace, plant);
  await server.start();
  const port = Number(server.endpoints[0]!.port);
  return {
    endpoint: server.getEndpointUrl(),
    port,
    namespaceIndex: namespace.index,
    namespaceUri: namespace.namespaceUri,
    stop: async () => {
      await server.shutdown(0);
      await certificates.dispose();
      await userCertificates.dispose();
    },
  };
}

function buildPlantAddressSpace(namespace: Namespace, plant: Plant): void {
  const addressSpace = namespace.addressSpace;
  const nodes = new Map<string, UAObject>();
  const signals = plant.signals();
  const withSignals = new Set(signals.map((s) => s.assetPath));
  const node = (assetPath: string): UAObject => {
    const found = nodes.get(assetPath);
    if (found) return found;
    const cut = assetPath.lastIndexOf('/');
    const parent = cut < 0 ? addressSpace.rootFolder.objects : node(assetPath.slice(0, cut));
    const name = assetPath.slice(cut + 1);
    const description = plant.assets().find((a) => a.path === assetPath)?.description ?? name;
    const created = withSignals.has(assetPath)
      ? namespace.addObject({ browseName: name, nodeId: `s=${assetPath}`, organizedBy: parent, description })
      : namespace.addFolder(parent, { browseName: name, nodeId: `s=${assetPath}`, description });
    nodes.set(assetPath, created);
    return created;
  };
  for (const s of signals) {
    const index = plant.resolve(s.address)!;
    const integer = s.type === 'integer';
    const read = (): DataValue => {
      plant.advanceTo(Date.now());
      const ts = plant.sampleTimeAt(index);
      const value = plant.valueAt(index);
      const status = Number.isFinite(value) ? (STATUS_OF_QUALITY.get(plant.qualityAt(index)) ?? StatusCodes.Bad) : StatusCodes.BadSensorFailure;
      const at = Number.isFinite(ts) ? new Date(ts) : new Date(0);
      return new DataValue({
        value: new Variant({ dataType: integer ? DataType.Int32 : DataType.Double, value: Number.isFinite(value) ? value : 0 }),
        statusCode: Number.isFinite(ts) ? status : StatusCodes.BadWaitingForInitialData,
        sourceTimestamp: at,
        serverTimestamp: new Date(),
      });
    };
    namespace.addAnalogDataItem({
      componentOf: node(s.assetPath),
      browseName: s.address.slice(s.address.lastIndexOf('.') + 1),
      nodeId: `s=${s.address}`,
      description: s.description,
      dataType: integer ? 'Int32' : 'Double',
      engineeringUnitsRange: { low: s.low, high: s.high },
      engineeringUnits: { unitId: -1, displayName: { text: s.unit }, description: { text: s.description } },
      minimumSamplingInterval: plant.tickMs,
      accessLevel: s.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: s.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      value: {
        timestamped_get: read,
        ...(s.writable
          ? {
              timestamped_set: async (dv: DataValue): Promise<StatusCode> => {
                const n = Number(dv.value.value);
                if (!Number.isFinite(n) || n < s.low || n > s.high) return StatusCodes.BadOutOfRange;
                plant.write(s.address, n);
                return StatusCodes.Good;
              },
            }
          : {}),
      },
    });
  }
}
