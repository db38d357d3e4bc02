import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { loadSiteConfig, parseSiteConfig, type SiteConfig } from '../config/index.js';
import { loadStartupConfig } from '../rollout/index.js';
import { createSiteCa, issueCertificate, tlsPaths, writeSecretFile } from '../security/index.js';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLogger } from '../node/logger.js';
import type { EdgeNode, EdgeNodeOptions } from '../node/edge-node.js';
import { demoSiteConfig } from '../sim/index.js';
import { serveDemoOpcua } from './sim-opcua.js';
import { dataDirOption, hostOption, httpPortOption, logLevelOption, parsePositiveInt, pgPortOption, webRootOption } from './options.js';

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
}

const tlsOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--tls-cert <file>', 'TLS certificate (PEM) of the API; default <data-dir>/pki/node.crt').env('FABRIK_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'its private key (PEM); default <data-dir>/secrets/node.key').env('FABRIK_TLS_KEY'))
    .addOption(new Option('--tls-ca <file>', 'CA bundle for client certificates and peers; default <data-dir>/pki/ca.crt').env('FABRIK_TLS_CA'));

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the demo site: a simulated bottling plant feeding an edge node on localhost')
    .addOption(dataDirOption().default('data/demo'))
    .addOption(httpPortOption(8080))
    .addOption(hostOption())
    .addOption(new Option('--seed <n>', 'simulator seed (same seed, same plant)').env('FABRIK_SEED').default(42).argParser(parsePositiveInt))
    .addOption(new Option('--lines <n>', 'number of bottling lines to simulate').default(1).argParser(parsePositiveInt))
    .addOption(webRootOption())
    .addOption(new Option('--tls', 'serve HTTPS/WSS: creates a demo CA and certificate in the data dir on first use').env('FABRIK_DEMO_TLS'))
    .addOption(new Option('--opcua', 'read the CNC cell through the OPC UA adapter from the simulator\'s OPC UA server (a free localhost port)').env('FABRIK_DEMO_OPCUA'))
    .addOption(logLevelOption())
    .action(async (opts: RunOpts & { lines: number; tls?: boolean; opcua?: boolean }) => {
      const opcua = opts.opcua ? await serveDemoOpcua(resolve(opts.dataDir), opts.seed ?? 42, opts.lines) : null;
      const config = opcua ? parseSiteConfig(demoSiteConfig({ lines: opts.lines, cncOpcua: opcua.device })) : opts.lines === 1 ? loadSiteConfig(DEMO_CONFIG) : parseSiteConfig(demoSiteConfig({ lines: opts.lines }));
      if (opts.tls) {
        await ensureDemoCertificate(resolve(opts.dataDir), opts.host);
        config.security.tls = 'required';
      }
      await runNode(config, opts, 'demo site', opcua ? { plant: opcua.plant } : {});
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

/** A demo CA and node certificate in the data dir, made once, so `fabrik demo --tls` needs no setup. */
async function ensureDemoCertificate(dataDir: string, host: string): Promise<void> {
  const p = tlsPaths(dataDir);
  if (existsSync(p.cert) && existsSync(p.key)) return;
  const ca = await createSiteCa({ commonName: 'Fabrik demo CA' });
  const leaf = await issueCertificate({ ca, commonName: 'fabrik-demo', names: ['localhost', '127.0.0.1', '::1', ...(host === '0.0.0.0' || host === '::' ? [] : [host])] });
  await mkdir(dirname(p.cert), { recursive: true });
  await writeFile(p.caCert, ca.certPem, { mode: 0o644 });
  await writeFile(p.cert, leaf.certPem, { mode: 0o644 });
  await writeSecretFile(p.key, leaf.keyPem);
}

async function runNode(config: SiteConfig, opts: RunOpts, what: string, extra: Partial<EdgeNodeOptions> = {}): Promise<void> {
  const logger = createLogger({ level: opts.logLevel });
  const dataDir = resolve(opts.dataDir);
  // Loaded here, not at the top: every other command (query, config, token...) starts without the node's dependencies.
  const { startEdgeNode } = await import('../node/edge-node.js');
  const tls = { ...(opts.tlsCert ? { certFile: opts.tlsCert } : {}), ...(opts.tlsKey ? { keyFile: opts.tlsKey } : {}), ...(opts.tlsCa ? { caFile: opts.tlsCa } : {}) };
  const node = await startEdgeNode({
    config, dataDir, host: opts.host, port: Number(opts.httpPort), logger, tls, ...extra,
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.pgPort !== undefined ? { pgPort: Number(opts.pgPort) } : {}),
    ...(opts.webRoot ? { webRoot: resolve(opts.webRoot) } : {}),
  });
  const out = process.stdout;
  out.write(`\nFabrik ${what} "${config.site.id}" is running (${node.tags.size} tags)\n`);
  out.write(`  dashboard & API  ${node.url}/\n`);
  out.write(`  data directory   ${dataDir}\n`);
  out.write(`  admin token      ${node.adminToken.path}${node.adminToken.created ? ' (new)' : ''}\n`);
  if (node.pgPort !== undefined) out.write(`  postgres         postgres://fabrik@${opts.host}:${node.pgPort}/${config.site.id} (password: an API token; database "site" queries every node)\n`);
  if (node.url.startsWith('https')) out.write(`  TLS              site CA ${tlsPaths(dataDir).caCert} (clients: FABRIK_CA=<that file>)\n`);
  out.write(`  try              npx fabrik query --data-dir ${opts.dataDir} --url ${node.url} "select count(*) from samples"\n`);
  out.write('Stop with Ctrl-C (SIGTERM drains and flushes first).\n\n');
  const progress = reportProgress(node, logger);
  await waitForSignal(node, logger, progress);
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

function waitForSignal(node: EdgeNode, logger: ReturnType<typeof createLogger>, progress: NodeJS.Timeout): Promise<void> {
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
      node.stop().then(
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
