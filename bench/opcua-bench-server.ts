// Child process of the OPC UA bench: a server with N Double variables that all change every `periodMs`.
// Prints {"endpoint": ...} once listening; runs until killed.
import { DataType, OPCUAServer, Variant, nodesets } from 'node-opcua';

const items = Number(process.argv[2] ?? 10_000);
const periodMs = Number(process.argv[3] ?? 100);
const server = new OPCUAServer({ port: 0, hostname: 'localhost', nodeset_filename: [nodesets.standard], maxConnectionsPerEndpoint: 20 });
await server.initialize();
const ns = server.engine.addressSpace!.getOwnNamespace();
const folder = ns.addFolder(server.engine.addressSpace!.rootFolder.objects, { browseName: 'Bench' });
for (let i = 0; i < items; i++) {
  // The value moves every period, so every sampling of every item is a data change.
  ns.addVariable({ componentOf: folder, browseName: `v${i}`, nodeId: `s=bench.${i}`, dataType: 'Double', minimumSamplingInterval: periodMs, value: { get: () => new Variant({ dataType: DataType.Double, value: Math.floor(Date.now() / periodMs) + i }) } });
}
await server.start();
process.stdout.write(`${JSON.stringify({ endpoint: server.getEndpointUrl(), namespaceIndex: ns.index })}\n`);
