import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { loadSiteConfig, parseSiteConfig, type SiteConfig } from '../config/index.js';
import { createLogger } from '../node/logger.js';
import type { EdgeNode } from '../node/edge-node.js';
import { demoSiteConfig } from '../sim/index.js';
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
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the demo site: a simulated bottling plant feeding an edge node on localhost')
    .addOption(dataDirOption().default('data/demo'))
    .addOption(httpPortOption(8080))
    .addOption(hostOption())
    .addOption(new Option('--seed <n>', 'simulator seed (same seed, same plant)').env('FABRIK_SEED').default(42).argParser(parsePositiveInt))
    .addOption(new Option('--lines <n>', 'number of bottling lines to simulate').default(1).argParser(parsePositiveInt))
    .addOption(webRootOption())
    .addOption(logLevelOption())
    .action(async (opts: RunOpts & { lines: number }) => {
      const config = opts.lines === 1 ? loadSiteConfig(DEMO_CONFIG) : parseSiteConfig(demoSiteConfig({ lines: opts.lines }));
      await runNode(config, opts, 'demo site');
    });
}

export function nodeCommand(): Command {
  return new Command('node')
    .description('run an edge node for a site config')
    .addOption(new Option('--config <file>', 'site config (YAML)').env('FABRIK_CONFIG').makeOptionMandatory())
    .addOption(dataDirOption().default('data'))
    .addOption(httpPortOption(8080))
    .addOption(hostOption())
    .addOption(new Option('--seed <n>', 'seed of the simulator, for sim devices').env('FABRIK_SEED').default(1).argParser(parsePositiveInt))
    .addOption(pgPortOption())
    .addOption(webRootOption())
    .addOption(logLevelOption())
    .action(async (opts: RunOpts & { config: string }) => {
      await runNode(loadSiteConfig(opts.config), opts, 'edge node');
    });
}

async function runNode(config: SiteConfig, opts: RunOpts, what: string): Promise<void> {
  const logger = createLogger({ level: opts.logLevel });
  const dataDir = resolve(opts.dataDir);
  // Loaded on demand: `fabrik --help` and the small commands need not load the node (DuckDB, the fabric, protocols).
  const { startEdgeNode } = await import('../node/edge-node.js');
  const node = await startEdgeNode({ config, dataDir, host: opts.host, port: Number(opts.httpPort), logger, ...(opts.seed ? { seed: opts.seed } : {}), ...(opts.pgPort !== undefined ? { pgPort: Number(opts.pgPort) } : {}), ...(opts.webRoot ? { webRoot: resolve(opts.webRoot) } : {}) });
  const out = process.stdout;
  out.write(`\nFabrik ${what} "${config.site.id}" is running (${node.tags.size} tags)\n`);
  out.write(`  dashboard & API  ${node.url}/\n`);
  out.write(`  data directory   ${dataDir}\n`);
  out.write(`  admin token      ${node.adminToken.path}${node.adminToken.created ? ' (new)' : ''}\n`);
  if (node.pgPort !== undefined) out.write(`  postgres         postgres://fabrik@${opts.host}:${node.pgPort}/${config.site.id} (password: an API token; database "site" queries every node)\n`);
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
