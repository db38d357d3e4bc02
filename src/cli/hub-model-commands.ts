import { resolve, join } from 'node:path';
import { Command, Option } from 'commander';
import type { HubModelVersion } from '../hub/models/index.js';

/** What the hub commands share: the hub's flags and a call to its API. */
export interface HubCli {
  hubUrlOption(): Option;
  hubTokenOption(): Option;
  hubDataDirOption(): Option;
  adminToken(opts: { token?: string; dataDir: string }): string;
  hubCall(hub: string, token: string | null, method: string, path: string, body?: unknown): Promise<unknown>;
  print(v: unknown): void;
}

function isoTime(value: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new Error(`"${value}" is not a time; use ISO 8601, e.g. 2026-11-25T08:00:00Z`);
  return t;
}

/**
 * `fabrik hub train`: trains inside a running hub (`--hub <url>`, admin
 * token), or on the hub's database directly: its PostgreSQL URL or, with the
 * embedded database, the hub's data dir while the hub is stopped (PGlite is
 * one process).
 */
export function hubTrainCommand(h: HubCli): Command {
  return new Command('train')
    .description("train a model on a site's data synced to the hub and store it as the next version (distribute it with \"fabrik hub model distribute\")")
    .addOption(new Option('--kind <kind>', 'pca | iforest (image-classifier needs pictures, which stay on the site)').choices(['pca', 'iforest', 'image-classifier']).makeOptionMandatory())
    .requiredOption('--site <id>', 'the site whose data to train on')
    .requiredOption('--tags <list>', 'comma-separated tags, one model input each')
    .requiredOption('--from <time>', 'start of the training data (ISO 8601)')
    .requiredOption('--to <time>', 'end of the training data (ISO 8601)')
    .option('--name <name>', 'model name (default: <site>-<kind>)')
    .addOption(new Option('--source <source>', 'raw samples (the sync policy must release them), 1-minute rollups, or auto: raw when every tag has them').choices(['auto', 'raw', 'rollup']).default('auto'))
    .option('--window <ms>', 'row period for raw samples in ms', '1000')
    .option('--hub <url>', 'train inside this running hub (admin token) instead of opening its database')
    .addOption(h.hubTokenOption())
    .addOption(new Option('--database-url <url>', "the hub's PostgreSQL; without it the embedded PGlite in <data-dir>/hub-db").env('FABRIK_HUB_DATABASE_URL'))
    .addOption(h.hubDataDirOption())
    .action(async (opts: { kind: 'pca' | 'iforest' | 'image-classifier'; site: string; tags: string; from: string; to: string; name?: string; source: 'auto' | 'raw' | 'rollup'; window: string; hub?: string; token?: string; databaseUrl?: string; dataDir: string }) => {
      const started = Date.now();
      const windowMs = Number(opts.window);
      if (!Number.isInteger(windowMs) || windowMs < 1) throw new Error(`--window "${opts.window}" is not a number of milliseconds`);
      const request = {
        kind: opts.kind,
        siteId: opts.site,
        tags: opts.tags.split(',').map((t) => t.trim()).filter(Boolean),
        from: isoTime(opts.from),
        to: isoTime(opts.to),
        source: opts.source,
        windowMs,
        ...(opts.name ? { name: opts.name } : {}),
      };
      const { migrateHub, pgliteDatabase, postgresDatabase } = await import('../hub/index.js');
      const db = opts.hub ? null : opts.databaseUrl ? postgresDatabase(opts.databaseUrl) : await pgliteDatabase(join(resolve(opts.dataDir), 'hub-db'));
      try {
        let model: HubModelVersion;
        if (db) {
          await migrateHub(db);
          const { trainOnHub } = await import('../hub/models/index.js');
          model = await trainOnHub(db, { ...request, createdBy: `cli:${process.env['USER'] ?? 'unknown'}`, onProgress: (m) => process.stderr.write(`[hub train] ${m}\n`) });
        } else model = (await h.hubCall(opts.hub!, h.adminToken(opts), 'POST', '/models/train', request)) as HubModelVersion;
        process.stdout.write(`model ${model.name} version ${model.version} (${model.kind}) trained in ${Math.round((Date.now() - started) / 1000)} s on ${model.source.rows} rows of ${model.source.data} data\n`);
        process.stdout.write(`sha256 ${model.sha256}, ${model.bytes} bytes\n`);
        process.stdout.write(`held-out metrics: ${JSON.stringify(model.metrics, null, 2)}\n`);
        process.stdout.write(`distribute it: npx fabrik hub model distribute ${model.name} ${model.version} --site ${opts.site}\n`);
      } finally {
        await db?.close();
      }
    });
}

/** `fabrik hub model ...`: the hub's model versions and their distribution. */
export function hubModelCommand(h: HubCli): Command {
  const model = new Command('model').description('models trained on the hub: list them, distribute a version to sites');
  model.addCommand(
    new Command('list')
      .description('model versions on the hub with their held-out metrics')
      .addOption(h.hubUrlOption())
      .addOption(h.hubTokenOption())
      .addOption(h.hubDataDirOption())
      .action(async (opts: { hub: string; token?: string; dataDir: string }) => h.print(await h.hubCall(opts.hub, h.adminToken(opts), 'GET', '/models'))),
  );
  model.addCommand(
    new Command('show')
      .description('one version: manifest, metrics, and where it is distributed (pending, applied or refused)')
      .argument('<name>')
      .argument('<version>')
      .addOption(h.hubUrlOption())
      .addOption(h.hubTokenOption())
      .addOption(h.hubDataDirOption())
      .action(async (name: string, version: string, opts: { hub: string; token?: string; dataDir: string }) => h.print(await h.hubCall(opts.hub, h.adminToken(opts), 'GET', `/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}`))),
  );
  model.addCommand(
    new Command('distribute')
      .description('send a version to sites: each fetches it on its next contact, checks its SHA-256 and starts it (in shadow unless --mode active)')
      .argument('<name>')
      .argument('<version>')
      .requiredOption('--site <id...>', 'the sites to send it to')
      .addOption(new Option('--mode <mode>', 'shadow: scores recorded, no events; active: switches at once').choices(['shadow', 'active']).default('shadow'))
      .addOption(h.hubUrlOption())
      .addOption(h.hubTokenOption())
      .addOption(h.hubDataDirOption())
      .action(async (name: string, version: string, opts: { site: string[]; mode: string; hub: string; token?: string; dataDir: string }) => {
        h.print(await h.hubCall(opts.hub, h.adminToken(opts), 'POST', `/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/distribute`, { sites: opts.site, mode: opts.mode }));
      }),
  );
  return model;
}
