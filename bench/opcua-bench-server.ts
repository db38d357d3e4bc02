// Child process of the OPC UA bench: a server with N Double variables that all change every `periodMs`.
// Prints {"endpoint": ...} once listening; runs until killed.
import { DataType, OPCUACertificateManager, OPCUAServer, StatusCodes, nodesets, type UAVariable } from 'node-opcua';

const items = Number(process.argv[2] ?? 10_000);
const periodMs = Number(process.argv[3] ?? 100);
const pkiDir = process.argv[4] ?? 'bench-opcua-pki';
const certificates = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
const userCertificates = new OPCUACertificateManager({ rootFolder: `${pkiDir}/users`, automaticallyAcceptUnknownCertificate: true });
const server = new OPCUAServer({ port: 0, hostname: 'localhost', nodeset_filename: [nodesets.standard], maxConnectionsPerEndpoint: 20, serverCertificateManager: certificates, userCertificateManager: userCertificates });
await server.initialize();
const ns = server.engine.addressSpace!.getOwnNamespace();
const folder = ns.addFolder(server.engine.addressSpace!.rootFolder.objects, { browseName: 'Bench' });
const variables: UAVariable[] = [];
for (let i = 0; i < items; i++) {
  // minimumSamplingInterval 0: items are reported on change (no per-item sampling timer in the server).
  variables.push(ns.addVariable({ componentOf: folder, browseName: `v${i}`, nodeId: `s=bench.${i}`, dataType: 'Double', minimumSamplingInterval: 0 }));
}
// Every variable changes every period, as a PLC's scan would update them.
let tick = 0;
setInterval(() => {
  tick++;
  for (let i = 0; i < items; i++) variables[i]!.setValueFromSource({ dataType: DataType.Double, value: tick + i }, StatusCodes.Good);
}, periodMs);
await server.start();
process.stdout.write(`${JSON.stringify({ endpoint: server.getEndpointUrl(), namespaceIndex: ns.index })}\n`);
