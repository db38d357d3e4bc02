import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { callApi, resolveToken } from './api-client.js';
import { dataDirOption, tokenOption, urlOption } from './options.js';
import { formatTable } from './table.js';

interface Conn {
  url: string;
  token?: string;
  dataDir: string;
}

const withConn = (cmd: Command): Command => cmd.addOption(urlOption()).addOption(tokenOption()).addOption(dataDirOption().default('data/demo'));

/** `fabrik model …`: the models of a running node (list, register, activate, shadow, rollback). */
export function modelCommand(): Command {
  const cmd = new Command('model').description("a running node's ONNX models: list, register, activate, shadow, rollback (engineer token to change)");
  withConn(cmd.command('list').description('models with their versions, active and shadow')).action(async (opts: Conn) => {
    const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), '/api/v1/models');
    const models = (res.body as { models: { name: string; active: string | null; shadow: string | null; versions: { version: string; kind: string }[]; health: { state: string } | null }[] }).models;
    const rows = models.map((m) => [m.name, m.versions.at(-1)?.kind ?? '', m.versions.map((v) => v.version).join(' '), m.active ?? '-', m.shadow ?? '-', m.health?.state ?? '']);
    process.stdout.write(`${formatTable(['model', 'input', 'versions', 'active', 'shadow', 'health'], rows, 40)}\n`);
  });
  withConn(
    cmd
      .command('register')
      .description('register an .onnx file as a new version (validated by the node)')
      .argument('<file>', 'the .onnx file')
      .option('--manifest <file>', 'its manifest, JSON or YAML (default: the one inside the model)')
      .addOption(new Option('--mode <mode>', 'active | shadow | staged').choices(['active', 'shadow', 'staged']).default('active'))
      .option('--sha256 <hex>', 'refuse unless the file has this SHA-256'),
  ).action(async (file: string, opts: Conn & { manifest?: string; mode: string; sha256?: string }) => {
    const body = {
      model: (await readFile(file)).toString('base64'),
      mode: opts.mode,
      ...(opts.manifest ? { manifest: parseYaml(await readFile(opts.manifest, 'utf8')) as unknown } : {}),
      ...(opts.sha256 ? { sha256: opts.sha256 } : {}),
    };
    const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), '/api/v1/models', { body });
    const r = res.body as { name: string; version: string; created: boolean };
    process.stdout.write(`${r.name} ${r.version}${r.created ? '' : ' (already registered)'} ${opts.mode}\n`);
  });
  for (const [name, what] of [
    ['activate', 'make a version the active one (atomic switch)'],
    ['shadow', 'run a version in shadow (scores only); "none" stops the shadow'],
  ] as const) {
    withConn(cmd.command(name).description(what).argument('<model>').argument('<version>', 'e.g. v3')).action(async (model: string, version: string, opts: Conn) => {
      const body = { version: name === 'shadow' && version === 'none' ? null : version };
      const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), `/api/v1/models/${encodeURIComponent(model)}/${name}`, { body });
      const r = res.body as { from: string | null; to: string | null };
      process.stdout.write(`${model}: ${name} ${r.from ?? 'none'} → ${r.to ?? 'none'}\n`);
    });
  }
  withConn(cmd.command('rollback').description('go back to the previously active version').argument('<model>')).action(async (model: string, opts: Conn) => {
    const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), `/api/v1/models/${encodeURIComponent(model)}/rollback`, { method: 'POST' });
    const r = res.body as { from: string; to: string };
    process.stdout.write(`${model}: ${r.from} → ${r.to}\n`);
  });
  return cmd;
}
