import { resolve } from 'node:path';
import { format } from 'node:util';
import { Command, Option } from 'commander';
import { Document, type YAMLMap } from 'yaml';
import { OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES, opcuaOptionsSchema } from '../config/protocols/opcua.js';
import { dataDirOption, parsePositiveInt } from './options.js';

interface OpcuaDiscoverOpts {
  securityMode: string;
  securityPolicy: string;
  username?: string;
  passwordEnv: string;
  deviceId?: string;
  assetPrefix?: string;
  root?: string;
  maxDepth: number;
  dataDir: string;
  namespaceUris?: boolean;
}

/** `fabrik discover opcua <endpoint>`: browse a server and print tag bindings to paste into the site config. */
export function discoverCommand(): Command {
  const cmd = new Command('discover').description('find what a machine exposes and print it as site-config bindings');
  cmd
    .command('opcua')
    .description('browse an OPC UA server and print its variables as a device with tag bindings (YAML on stdout)')
    .argument('<endpoint>', 'endpoint URL, e.g. opc.tcp://plc1:4840')
    .addOption(new Option('--security-mode <mode>', 'message security').choices(OPCUA_SECURITY_MODES).default('None'))
    .addOption(new Option('--security-policy <policy>', 'security policy').choices(OPCUA_SECURITY_POLICIES).default('None'))
    .option('--username <name>', 'log in with this user (password from --password-env)')
    .addOption(new Option('--password-env <var>', 'environment variable holding the password').default('FABRIK_OPCUA_PASSWORD'))
    .option('--device-id <id>', 'device id in the output (default: from the host name)')
    .option('--asset-prefix <path>', 'asset path put before the browse path, e.g. acme/plant1')
    .option('--root <nodeId>', 'start browsing here instead of the Objects folder')
    .option('--namespace-uris', 'write NodeIds as nsu=<namespace URI>;... (survive a server renumbering its namespaces)')
    .addOption(new Option('--max-depth <n>', 'folders deeper than this are not entered').default(10).argParser(parsePositiveInt))
    .addOption(dataDirOption().default('data'))
    .action(async (endpoint: string, o: OpcuaDiscoverOpts) => {
      const parsed = opcuaOptionsSchema.safeParse({
        endpoint,
        securityMode: o.securityMode,
        securityPolicy: o.securityPolicy,
        identity: o.username ? { type: 'username', username: o.username, passwordEnv: o.passwordEnv } : { type: 'anonymous' },
      });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'endpoint'}: ${i.message}`).join('; '));
      // stdout carries only the YAML: node-opcua prints notices with console.log, even while loading.
      console.log = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
      const { discoverOpcua, discoveredBindings, routeLibraryLogs } = await import('../adapters/opcua/index.js');
      routeLibraryLogs({ info: () => {}, warn: (_o, msg) => void process.stderr.write(`${msg ?? ''}\n`), error: () => {} });
      const pkiDir = resolve(o.dataDir, 'opcua', 'pki');
      const found = await discoverOpcua({ options: parsed.data, pkiDir, ...(o.root ? { root: o.root } : {}), maxDepth: o.maxDepth, namespaceUris: o.namespaceUris === true });
      const deviceId = o.deviceId ?? deviceIdOf(endpoint);
      const config = discoveredBindings(found, { deviceId, endpoint, securityMode: o.securityMode, securityPolicy: o.securityPolicy, ...(o.assetPrefix ? { assetPrefix: o.assetPrefix } : {}) });
      const doc = new Document({ assets: config.assets, devices: config.devices });
      doc.commentBefore = ` Discovered on ${endpoint} at ${new Date().toISOString()}: ${found.tags.length} variables${found.skipped.length ? `, ${found.skipped.length} skipped (no tag type)` : ''}${found.truncated ? ', output truncated' : ''}.\n Paste under the site config's assets: and devices:; nothing is writable until you add "writable: true".`;
      for (const i of config.serverWritable) {
        const node = doc.getIn(['devices', 0, 'tags', i], true) as YAMLMap | undefined;
        if (node) node.commentBefore = ' the server allows writes to this one';
      }
      process.stdout.write(doc.toString({ lineWidth: 0 }));
      process.stderr.write(`${found.tags.length} tag bindings for device "${deviceId}"${found.skipped.length ? `; skipped ${found.skipped.length}: ${found.skipped.slice(0, 5).map((s) => `${s.nodeId} (${s.reason})`).join(', ')}` : ''}\n`);
    });
  return cmd;
}

function deviceIdOf(endpoint: string): string {
  const host = /^opc\.tcp:\/\/([^:/]+)/.exec(endpoint)?.[1] ?? 'opcua';
  const id = host.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z0-9]/.test(id) ? `${id}-opcua`.slice(0, 63) : 'opcua-server';
}
