import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadSiteConfig } from '../config/index.js';
import { createLogger } from '../node/logger.js';
import { writeSecretFile } from '../security/index.js';
import { hubModelCommand, hubTrainCommand } from './hub-model-commands.js';
import { logLevelOption, parsePort } from './options.js';

const hubUrlOption = () => new Option('--hub <url>', 'base URL of the hub').env('FABRIK_HUB_URL').default('http://127.0.0.1:8090');
const hubDataDirOption = () => new Option('--data-dir <dir>', 'where the hub keeps its embedded database and secrets').env('FABRIK_HUB_DATA_DIR').default('data/hub');
const hubTokenOption = () => new Option('--token <token>', 'hub admin token (default: <data-dir>/secrets/hub-admin.token)').env('FABRIK_HUB_TOKEN');

function adminToken(opts: { token?: string; dataDir: string }): string {
  if (opts.token) return opts.token;
  const file = join(resolve(opts.dataDir), 'secrets', 'hub-admin.token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no hub admin token: give --token (FABRIK_HUB_TOKEN) or run where ${file} is readable`);
  }
}

async function hubCall(hub: string, token: string | null, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(`/api/v1${path}`, hub), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }).catch((err: unknown) => {
    throw new Error(`the hub at ${hub} cannot be reached: ${(err as Error).message}`);
  });
  const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(`the hub answered ${res.status}: ${answer.error?.message ?? res.statusText}`);
  return answer;
}

const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

function serveCommand(): Command {
  return new Command('serve')
    .description('run the hub: site registry, enrolment, sync ingest, fleet config, cross-site analytics')
    .addOption(new Option('--http-port <port>', 'hub HTTP port (0 picks a free one)').env('FABRIK_HUB_HTTP_PORT').default('8090').argParser(parsePort))
    .addOption(new Option('--host <address>', 'address the hub listens on').env('FABRIK_HUB_HOST').default('127.0.0.1'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL; without it an embedded PGlite in <data-dir>/hub-db').env('FABRIK_HUB_DATABASE_URL'))
    .addOption(hubDataDirOption())
    .addOption(new Option('--admin-token <token>', 'accept this admin token (else one is created on first start)').env('FABRIK_HUB_ADMIN_TOKEN'))
    .addOption(new Option('--signing-key <file>', 'Ed25519 key (from "fabrik config keygen") to sign desired site configs with').env('FABRIK_HUB_SIGNING_KEY'))
    .addOption(new Option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)').env('FABRIK_HUB_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'and its private key (PEM)').env('FABRIK_HUB_TLS_KEY'))
    .addOption(new Option('--tls-client-ca <file>', 'mutual TLS: let in only clients showing a certificate from this CA (the site CA; sites show their node certificate)').env('FABRIK_HUB_TLS_CLIENT_CA'))
    .addOption(logLevelOption())
    .action(async (opts: { httpPort: string; host: string; databaseUrl?: string; dataDir: string; adminToken?: string; signingKey?: string; tlsCert?: string; tlsKey?: string; tlsClientCa?: string; logLevel: string }) => {
      const logger = createLogger({ level: opts.logLevel });
      if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new Error('give both --tls-cert and --tls-key, or neither');
      if (opts.tlsClientCa && !opts.tlsCert) throw new Error('--tls-client-ca needs --tls-cert and --tls-key: client certificates are checked over HTTPS only');
      const { startHub } = await import('../hub/index.js');
      const dataDir = resolve(opts.dataDir);
      const hub = await startHub({
        dataDir, host: opts.host, port: Number(opts.httpPort), logger,
        ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
        ...(opts.adminToken ? { adminToken: opts.adminToken } : {}),
        ...(opts.signingKey ? { signingKeyFile: resolve(opts.signingKey) } : {}),
        ...(opts.tlsCert && opts.tlsKey
          ? { tls: { cert: await readFile(opts.tlsCert, 'utf8'), key: await readFile(opts.tlsKey, 'utf8'), ...(opts.tlsClientCa ? { ca: await readFile(opts.tlsClientCa, 'utf8'), clientAuth: 'require' as const } : {}) } }
          : {}),
      });
      const out = process.stdout;
      out.write(`\nFabrik hub is running\n  API        ${hub.url}/api/v1\n  database   ${hub.db.description}\n`);
      out.write(`  admin      ${hub.adminTokenFile ? `${hub.adminTokenFile} (new)` : opts.adminToken ? 'the token from --admin-token' : join(dataDir, 'secrets', 'hub-admin.token')}\n`);
      out.write(`  enrol      npx fabrik hub enrolment --hub ${hub.url} --data-dir ${opts.dataDir} --site-id <site>\n\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          logger.info('hub stopping');
          void hub.close().then(done);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}

/** `fabrik hub ...`: the hub itself (default: serve) and the commands that talk to it. */
export function hubCommand(): Command {
  const hub = new Command('hub').description('the cloud hub: serve it, create enrolment tokens, enrol a site, push desired configs');
  hub.addCommand(serveCommand(), { isDefault: true });
  hub.addCommand(
    new Command('enrolment')
      .description('create a one-time enrolment token for a site (hub admin)')
      .addOption(hubUrlOption())
      .addOption(hubTokenOption())
      .addOption(hubDataDirOption())
      .option('--site-id <id>', 'only this site may use the token')
      .option('--ttl-hours <h>', 'how long the token stays valid', '24')
      .action(async (opts: { hub: string; token?: string; dataDir: string; siteId?: string; ttlHours: string }) => {
        print(await hubCall(opts.hub, adminToken(opts), 'POST', '/enrolments', { ...(opts.siteId ? { siteId: opts.siteId } : {}), ttlHours: Number(opts.ttlHours) }));
      }),
  );
  hub.addCommand(
    new Command('enrol')
      .description("enrol this site with the hub: trades a one-time token for the site's credential, written to the site's data dir")
      .addOption(hubUrlOption())
      .requiredOption('--enrolment-token <token>', 'the one-time token from "fabrik hub enrolment"')
      .addOption(new Option('--config <file>', 'the site config (site id, name, sync.credentialsFile)').env('FABRIK_CONFIG').makeOptionMandatory())
      .addOption(new Option('--data-dir <dir>', "the site node's data dir").env('FABRIK_DATA_DIR').default('data'))
      .action(async (opts: { hub: string; enrolmentToken: string; config: string; dataDir: string }) => {
        const config = loadSiteConfig(opts.config);
        const { HubClient } = await import('../sync/index.js');
        const reply = await new HubClient({ url: opts.hub }).enrol(opts.enrolmentToken, config.site.id, config.site.name);
        const file = resolve(opts.dataDir, config.sync.credentialsFile);
        await writeSecretFile(file, `${JSON.stringify({ hub: opts.hub, siteId: reply.siteId, credential: reply.credential })}\n`);
        process.stdout.write(`site "${reply.siteId}" enrolled; credential written to ${file}\n`);
      }),
  );
  hub.addCommand(
    new Command('token')
      .description('mint a hub token (printed once): viewer for a Hub page, admin for automation')
      .addOption(new Option('--role <role>', 'viewer or admin').choices(['viewer', 'admin']).default('viewer'))
      .option('--name <name>', 'what it is for', 'cli')
      .addOption(hubUrlOption())
      .addOption(hubTokenOption())
      .addOption(hubDataDirOption())
      .action(async (opts: { role: string; name: string; hub: string; token?: string; dataDir: string }) => print(await hubCall(opts.hub, adminToken(opts), 'POST', '/tokens', { role: opts.role, name: opts.name }))),
  );
  hub.addCommand(
    new Command('sites')
      .description('list the sites: last contact, backlog, applied config, health')
      .addOption(hubUrlOption())
      .addOption(hubTokenOption())
      .addOption(hubDataDirOption())
      .action(async (opts: { hub: string; token?: string; dataDir: string }) => print(await hubCall(opts.hub, adminToken(opts), 'GET', '/sites'))),
  );
  hub.addCommand(
    new Command('push-config')
      .description("set a site's desired config (YAML or signed envelope); the site applies it on its next contact")
      .argument('<site>', 'site id')
      .argument('<file>', 'site config YAML or signed config')
      .addOption(hubUrlOption())
      .addOption(hubTokenOption())
      .addOption(hubDataDirOption())
      .action(async (site: string, file: string, opts: { hub: string; token?: string; dataDir: string }) => {
        print(await hubCall(opts.hub, adminToken(opts), 'PUT', `/sites/${encodeURIComponent(site)}/config`, { document: await readFile(file, 'utf8') }));
      }),
  );
  const shared = { hubUrlOption, hubTokenOption, hubDataDirOption, adminToken, hubCall, print };
  hub.addCommand(hubTrainCommand(shared));
  hub.addCommand(hubModelCommand(shared));
  return hub;
}
