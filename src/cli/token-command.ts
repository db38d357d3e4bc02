import { Command, Option } from 'commander';
import { parseDuration } from '../core/index.js';
import { ROLES, TokenStore } from '../security/index.js';
import { dataDirOption } from './options.js';

export function tokenCommand(): Command {
  const cmd = new Command('token').description('mint, list and revoke API tokens of a node (run where its data dir is)');
  cmd
    .command('create')
    .description('mint a token; the secret is printed once')
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'who or what the token is for', 'cli')
    .option('--ttl <duration>', 'expiry, e.g. 30d or 12h (default: never)')
    .addOption(dataDirOption().default('data'))
    .action(async (opts: { role: (typeof ROLES)[number]; name: string; ttl?: string; dataDir: string }) => {
      const ttlMs = opts.ttl === undefined ? undefined : parseDuration(opts.ttl);
      if (ttlMs === null) throw new Error(`--ttl "${opts.ttl}" is not a duration like 12h or 30d`);
      const store = await TokenStore.open(opts.dataDir);
      const { token, info } = await store.create({ role: opts.role, name: opts.name, ...(ttlMs ? { ttlMs } : {}) });
      await store.close();
      process.stderr.write(`created ${info.role} token ${info.id} "${info.name}"${info.expiresAt ? `, expires ${info.expiresAt}` : ''} in ${store.file}\n`);
      process.stdout.write(`${token}\n`);
    });
  cmd
    .command('list')
    .description('list tokens (never their secrets)')
    .addOption(dataDirOption().default('data'))
    .action(async (opts: { dataDir: string }) => {
      const store = await TokenStore.open(opts.dataDir);
      for (const t of store.list()) process.stdout.write(`${t.id}  ${t.role.padEnd(8)}  ${t.name}${t.expiresAt ? `  expires ${t.expiresAt}` : ''}\n`);
      await store.close();
    });
  cmd
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>')
    .addOption(dataDirOption().default('data'))
    .action(async (id: string, opts: { dataDir: string }) => {
      const store = await TokenStore.open(opts.dataDir);
      const ok = await store.revoke(id);
      await store.close();
      if (!ok) throw new Error(`no token with id "${id}" (see: fabrik token list)`);
      process.stderr.write(`revoked ${id}\n`);
    });
  return cmd;
}
