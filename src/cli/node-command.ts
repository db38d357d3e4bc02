import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { loadSiteConfig, parseSiteConfig, type SiteConfig } from '../config/index.js';
import { loadStartupConfig } from '../rollout/index.js';
import { tlsPaths } from '../security/index.js';
import { ensureDemoNodeCertificate, openDemoCa } from '../node/demo-pki.js';
import { createLogger } from '../node/logger.js';
import type { EdgeNode, EdgeNodeOptions } from '../node/edge-node.js';
import { createPlant, demoSiteConfig } from '../sim/index.js';
import { parsePort, dataDirOption, hostOption, httpPortOption, logLevelOption, mqttPortOption, parsePositiveInt, pgPortOption, webRootOption } from './options.js';
import { startDemoHub } from './demo-hub.js';
import { serveDemoOpcua } from './sim-opcua.js';
import { openDashboard } from './open-dashboard.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../examples/demo-site.yaml', import.meta.url));

interface RunOpts {
  dataDir: string;
  httpPort: string;
  host: string;
  logLevel: string;
  seed?: number;
  pgPort?: string;
  webRoot?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  mqttPort?: string;
}

const tlsOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--tls-cert <file>', 'TLS certificate (PEM) of the API; default <data-dir>/pki/node.crt').env('FABRIK_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'its private key (PEM); default <data-dir>/secrets/node.key').env('FABRIK_TLS_KEY'))
    .addOption(new Option('--tls-ca <file>', 'CA bundle for client certificates and peers; default <data-dir>/pki/ca.crt').env('FABRIK_TLS_CA'));

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the demo site on localhost: a simulated plant on real sockets (OPC UA, Modbus TCP, Sparkplug B), one edge node per line, and with --with-hub a cloud hub')
    .addOption(dataDirOption().default('data/demo'))
    .addOption(httpPortOption(8080))
    .addOption(hostOption())
    .addOption(new Option('--seed <n>', 'simulator seed (same seed, same plant)').env('FABRIK_SEED').default(42).argParser(parsePositiveInt))
    .addOption(new Option('--lines <n>', 'number of bottling lines to simulate; each gets its own edge node (HTTP ports follow --http-port)').env('FABRIK_DEMO_LINES').default(2).argParser(parsePositiveInt))
    .addOption(new Option('--single-node', 'run every line on one edge node instead of one node per line').env('FABRIK_DEMO_SINGLE_NODE'))
    .addOption(new Option('--pg-port <port>', 'PostgreSQL wire port of the first node (default 5433, or a free one when taken)').env('FABRIK_PG_PORT').argParser(parsePort))
    .addOption(webRootOption())
    .addOption(new Option('--tls', 'serve HTTPS/WSS: creates a demo CA and certificate in the data dir on first use (one per line; the nodes talk HTTPS with mutual TLS)').env('FABRIK_DEMO_TLS'))
    .addOption(new Option('--no-protocols', 'feed every machine in-process instead of over Modbus TCP and Sparkplug B').env('FABRIK_DEMO_IN_PROCESS'))
    .addOption(new Option('--mqtt-port <port>', 'port of the embedded MQTT broker (default 1883, or a free one when taken)').env('FABRIK_MQTT_PORT').argParser(parsePort))
    .addOption(new Option('--modbus-port <port>', 'port of the simulated Modbus TCP server (default: a free one)').env('FABRIK_MODBUS_PORT').argParser(parsePort))
    .addOption(new Option('--no-opcua', 'read the CNC cell in-process instead of through the OPC UA adapter from the simulator\'s OPC UA server').env('FABRIK_DEMO_NO_OPCUA'))
    .addOption(new Option('--with-hub', 'also run a cloud hub (embedded PGlite in <data-dir>/hub) and sync the demo site to it').env('FABRIK_DEMO_HUB'))
    .addOption(new Option('--hub-port <port>', 'port of that hub').env('FABRIK_HUB_HTTP_PORT').default('8090').argParser(parsePort))
    .addOption(new Option('--no-open', 'do not open the dashboard in the desktop\'s browser (it opens only from a terminal with a display, never on CI)').env('FABRIK_NO_OPEN'))
    .addOption(logLevelOption())
    .action(async (opts: RunOpts & { open: boolean; lines: number; singleNode?: boolean; tls?: boolean; protocols: boolean; modbusPort?: string; withHub?: boolean; hubPort: string; opcua: boolean }) => {
      const dataDir = resolve(opts.dataDir);
      const logger = createLogger({ level: opts.logLevel });
      // One simulated plant behind every socket the demo serves (Modbus TCP, Sparkplug B, OPC UA).
      const plant = opts.protocols ? createPlant({ seed: opts.seed ?? 42, lines: opts.lines, startTime: Date.now() }) : undefined;
      const opcua = opts.protocols && opts.opcua && plant ? await serveDemoOpcua(dataDir, plant, logger) : null;
      let config = opcua
        ? parseSiteConfig(demoSiteConfig({ lines: opts.lines, cncOpcua: opcua.device }))
        : opts.lines === 1 ? loadSiteConfig(DEMO_CONFIG) : parseSiteConfig(demoSiteConfig({ lines: opts.lines }));
      const perLine = opts.lines > 1 && !opts.singleNode;
      if (opts.tls) {
        // One node: its certificate in the data dir. One node per line: each gets one from the same demo CA at start, and they talk HTTPS to each other.
        if (!perLine) await ensureDemoNodeCertificate(dataDir, opts.host);
        config.security.tls = 'required';
      }
      const { portOrFree, startDemoPeers } = await import('../sim/protocols.js');
      const pgPort = opts.pgPort !== undefined ? Number(opts.pgPort) : await portOrFree(opts.host, 5433);
      // The plant on real sockets: Modbus TCP server, and a Sparkplug edge node on the (first) node's own broker.
      const peers = opts.protocols
        ? await startDemoPeers({ config, seed: opts.seed ?? 42, lines: opts.lines, ...(plant ? { plant } : {}), ...(opts.modbusPort !== undefined ? { modbusPort: Number(opts.modbusPort) } : {}), ...(opts.mqttPort !== undefined ? { mqttPort: Number(opts.mqttPort) } : {}) })
        : undefined;
      if (peers) config = peers.config;
      const peerLines = (node: EdgeNode): string[] =>
        peers
          ? [
              `  modbus tcp       ${peers.modbusUrl} (filler, utilities; map: fabrik sim modbus-map)`,
              `  sparkplug b      line1.capper via ${node.mqtt.broker?.url ?? ''} (group fabrik-demo, edge node sim-edge); the site itself as group fabrik-site, edge node demo`,
            ]
          : [];
      const mqttPort = peers ? String(peers.brokerPort) : opts.mqttPort;
      // A hub beside the site (what `npm start` runs): every node of the site enrolled with it and syncing.
      const nodeDirs = perLine ? Array.from({ length: opts.lines }, (_, i) => join(dataDir, `line${i + 1}`)) : [dataDir];
      const hub = opts.withHub
        ? await startDemoHub({ dataDir, host: opts.host, port: Number(opts.hubPort), siteId: config.site.id, siteName: config.site.name, credentialsFiles: nodeDirs.map((d) => resolve(d, config.sync.credentialsFile)), logger })
        : undefined;
      if (hub) config.sync.hub = hub.url;
      const opcuaLines = opcua ? [`  opc ua           ${opcua.device.endpoint} (cnc1; security None/Sign/SignAndEncrypt)`] : [];
      const hubLines = hub ? [`  hub              ${hub.url}/api/v1/sites (hub admin token: ${hub.adminTokenFile})`] : [];
      const beside = peers || hub || opcua ? { close: async () => { await peers?.close(); await opcua?.stop(); await hub?.close(); } } : undefined;
      if (!perLine) {
        return runNode(config, { ...opts, pgPort: String(pgPort), ...(mqttPort !== undefined ? { mqttPort } : {}) }, 'demo site', plant ? { plant } : {}, async (node) => {
          await peers?.startSparkplug();
          if (opts.open) openDashboard(`${node.url}/`);
          return [...peerLines(node), ...opcuaLines, ...hubLines];
        }, beside);
      }
      const { startFabricDemo } = await import('../node/fabric-demo.js');
      const nodes = await startFabricDemo({
        lines: opts.lines, dataDir, host: opts.host, httpPort: Number(opts.httpPort), pgPort, logger, base: config, seed: opts.seed ?? 42,
        ...(plant ? { plant } : {}),
        ...(opts.tls ? { ca: await openDemoCa(dataDir) } : {}),
        ...(mqttPort !== undefined ? { mqttPort: Number(mqttPort) } : {}),
        ...(opts.webRoot ? { webRoot: resolve(opts.webRoot) } : {}),
      });
      await peers?.startSparkplug();
      const first = nodes[0]!;
      const text = [
        '',
        `Fabrik demo site "${config.site.id}" is running: ${nodes.length} edge nodes, one per line (${nodes.reduce((n, x) => n + x.tags.size, 0)} tags)`,
        `  dashboard & API  ${first.url}/`,
        ...nodes.map((n, i) => `  node line${i + 1}       ${n.url}/  data ${join(dataDir, `line${i + 1}`)}`),
        `  admin token      ${first.adminToken.path}${first.adminToken.created ? ' (new)' : ''} (each node has its own, in its data directory)`,
        ...endpointLines(first, opts.host, config.site.id, ', every node'),
        ...peerLines(first),
        ...opcuaLines,
        ...hubLines,
        ...(opts.tls ? [`  TLS              demo CA ${tlsPaths(dataDir).caCert}; the nodes talk HTTPS with mutual TLS (clients: FABRIK_CA=<that file>)`] : []),
        `  try              npx fabrik query --data-dir ${join(opts.dataDir, 'line1')} --url ${first.url} --scope site "select split_part(tag, '.', 1) as area, count(*) from samples group by 1"`,
        'Stop with Ctrl-C (SIGTERM drains and flushes first).',
        '',
        '',
      ].join('\n');
      process.stdout.write(text);
      if (opts.open) openDashboard(`${first.url}/`);
      const progress = reportProgress(first, logger);
      await waitForSignal(nodes, logger, progress, beside);
    });
}

export function nodeCommand(): Command {
  const cmd = new Command('node')
    .description('run an edge node for a site config (plain or signed; a node that trusts a key runs only signed ones)')
    .addOption(new Option('--config <file>', 'site config (YAML, or a signed config from "fabrik config sign")').env('FABRIK_CONFIG').makeOptionMandatory())
    .addOption(dataDirOption().default('data'))
    .addOption(httpPortOption(8080))
    .addOption(hostOption())
    .addOption(new Option('--seed <n>', 'seed of the simulator, for sim devices').env('FABRIK_SEED').default(1).argParser(parsePositiveInt))
    .addOption(pgPortOption())
    .addOption(mqttPortOption())
    .addOption(webRootOption())
    .addOption(new Option('--watch-config', 'GitOps: apply the --config file whenever it changes (a mounted ConfigMap)').env('FABRIK_WATCH_CONFIG'))
    .addOption(new Option('--watch-interval <ms>', 'how often the watched file is checked').env('FABRIK_WATCH_INTERVAL').default(5000).argParser(parsePositiveInt))
    .addOption(new Option('--enforce-signed', 'refuse to start unless a config signing key is trusted (<data-dir>/trust/*.pub)').env('FABRIK_ENFORCE_SIGNED'))
    .addOption(new Option('--bootstrap-admin-password-file <file>', 'when the node has no users yet, create "admin" with the password in this file (a mounted Secret)').env('FABRIK_BOOTSTRAP_ADMIN_PASSWORD_FILE'))
    .addOption(logLevelOption());
  return tlsOptions(cmd).action(async (opts: RunOpts & { config: string; watchConfig?: boolean; watchInterval: number; enforceSigned?: boolean; bootstrapAdminPasswordFile?: string }) => {
    const dataDir = resolve(opts.dataDir);
    const startup = await loadStartupConfig({ dataDir, file: resolve(opts.config), ...(opts.enforceSigned ? { enforce: true } : {}) });
    process.stderr.write(`${startup.note}\n`);
    await runNode(startup.config, opts, 'edge node', {
      configSource: { applied: startup.applied, trusted: startup.trusted },
      ...(opts.bootstrapAdminPasswordFile ? { bootstrapAdminPasswordFile: resolve(opts.bootstrapAdminPasswordFile) } : {}),
      ...(opts.watchConfig ? { watchConfig: { file: resolve(opts.config), intervalMs: opts.watchInterval } } : {}),
    });
  });
}

/** The banner's lines for a node's PostgreSQL endpoint and MQTT broker, when it runs them. */
function endpointLines(node: EdgeNode, host: string, siteId: string, unsFrom: string): string[] {
  const lines: string[] = [];
  if (node.pgPort !== undefined) lines.push(`  postgres         postgres://fabrik@${host}:${node.pgPort}/${siteId} (password: an API token; database "site" queries every node)`);
  if (node.mqtt.broker) lines.push(`  mqtt broker      ${node.mqtt.broker.url}${node.mqtt.uns ? ` (UNS: topic = asset path${unsFrom})` : ''}`);
  return lines;
}

async function runNode(config: SiteConfig, opts: RunOpts, what: string, extra: Partial<EdgeNodeOptions> = {}, afterStart?: (node: EdgeNode) => Promise<string[]>, peers?: { close(): Promise<void> }): Promise<void> {
  const logger = createLogger({ level: opts.logLevel });
  const dataDir = resolve(opts.dataDir);
  // Loaded here, not at the top: every other command (query, config, token...) starts without the node's dependencies.
  const { startEdgeNode } = await import('../node/edge-node.js');
  const tls = { ...(opts.tlsCert ? { certFile: opts.tlsCert } : {}), ...(opts.tlsKey ? { keyFile: opts.tlsKey } : {}), ...(opts.tlsCa ? { caFile: opts.tlsCa } : {}) };
  const node = await startEdgeNode({
    config, dataDir, host: opts.host, port: Number(opts.httpPort), logger, tls, ...extra,
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.pgPort !== undefined ? { pgPort: Number(opts.pgPort) } : {}),
    ...(opts.mqttPort !== undefined ? { mqttPort: Number(opts.mqttPort) } : {}),
    ...(opts.webRoot ? { webRoot: resolve(opts.webRoot) } : {}),
  });
  const lines = [
    '',
    `Fabrik ${what} "${config.site.id}" is running (${node.tags.size} tags)`,
    `  dashboard & API  ${node.url}/`,
    `  data directory   ${dataDir}`,
    `  admin token      ${node.adminToken.path}${node.adminToken.created ? ' (new)' : ''}`,
  ];
  lines.push(...endpointLines(node, opts.host, config.site.id, ''));
  lines.push(...((await afterStart?.(node)) ?? []));
  if (node.url.startsWith('https')) lines.push(`  TLS              site CA ${tlsPaths(dataDir).caCert} (clients: FABRIK_CA=<that file>)`);
  lines.push(`  try              npx fabrik query --data-dir ${opts.dataDir} --url ${node.url} "select count(*) from samples"`);
  lines.push('Stop with Ctrl-C (SIGTERM drains and flushes first).', '', '');
  // One write: whoever watches the output sees the whole banner at once.
  process.stdout.write(lines.join('\n'));
  const progress = reportProgress(node, logger);
  await waitForSignal([node], logger, progress, peers);
}

function reportProgress(node: EdgeNode, logger: ReturnType<typeof createLogger>): NodeJS.Timeout {
  let last = node.store.stats().samplesWritten;
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const s = node.store.stats();
    const now = Date.now();
    const rate = ((s.samplesWritten - last) * 1000) / Math.max(1, now - lastAt);
    last = s.samplesWritten;
    lastAt = now;
    logger.info({ stored: s.samplesWritten, perSecond: Math.round(rate), queued: node.queue.size, events: s.eventsWritten, health: node.health().status }, 'ingesting');
  }, 10_000);
  timer.unref();
  return timer;
}

function waitForSignal(nodes: EdgeNode[], logger: ReturnType<typeof createLogger>, progress: NodeJS.Timeout, peers?: { close(): Promise<void> }): Promise<void> {
  return new Promise((done) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      clearInterval(progress);
      logger.info({ signal }, 'stopping: draining the pipeline and flushing the store');
      Promise.all(nodes.map((n) => n.stop()))
        .then(() => peers?.close())
        .then(
          () => {
            logger.info('stopped cleanly');
            done();
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ err: (err as Error).message }, 'stop failed');
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
