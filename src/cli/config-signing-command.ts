import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { parseSiteConfigText } from '../config/index.js';
import { generateSigningKey, loadTrustedKeys, parseSignedConfig, publicKeyFromPem, signConfig, trustDir, verifySignedConfig, writeSecretFile } from '../security/index.js';
import { callApi, resolveToken } from './api-client.js';
import { dataDirOption, tokenOption, urlOption } from './options.js';

/** Adds keygen, sign, verify, trust and apply to `fabrik config`. */
export function addConfigSigningCommands(cmd: Command): Command {
  cmd
    .command('keygen')
    .description('create an Ed25519 config signing key pair (<out>.key 0600, <out>.pub)')
    .option('--out <prefix>', 'file prefix', 'config-signing')
    .action(async (o: { out: string }) => {
      const k = generateSigningKey();
      await writeSecretFile(`${o.out}.key`, k.privateKeyPem);
      await writeFile(`${o.out}.pub`, k.publicKeyPem, { mode: 0o644 });
      process.stdout.write(`created ${o.out}.key and ${o.out}.pub (key id ${k.keyId}); nodes trust it after "fabrik config trust ${o.out}.pub"\n`);
    });
  cmd
    .command('sign')
    .description('validate a site config and sign it as a version (Ed25519)')
    .argument('<file>', 'site config YAML')
    .requiredOption('--key <file>', 'private signing key (PEM)')
    .requiredOption('--version <n>', 'version number; must be higher than what the nodes run')
    .option('--out <file>', 'signed output (default: <file without .yaml>.signed.yaml)')
    .action(async (file: string, o: { key: string; version: string; out?: string }) => {
      const document = await readFile(file, 'utf8');
      parseSiteConfigText(document, file);
      const version = Number(o.version);
      const text = signConfig(document, { privateKeyPem: await readFile(o.key, 'utf8'), version });
      const out = o.out ?? file.replace(/\.ya?ml$/, '') + '.signed.yaml';
      await writeFile(out, text, { mode: 0o644 });
      process.stdout.write(`signed ${file} as version ${version} → ${out}\n`);
    });
  cmd
    .command('verify')
    .description('check a signed config against trusted keys and validate the document inside')
    .argument('<file>')
    .addOption(dataDirOption().default('data'))
    .option('--trusted-key <file>', 'a public key to trust instead of <data-dir>/trust/*.pub')
    .action(async (file: string, o: { dataDir: string; trustedKey?: string }) => {
      const signed = parseSignedConfig(await readFile(file, 'utf8'));
      const trusted = o.trustedKey ? [publicKeyFromPem(await readFile(o.trustedKey, 'utf8'), o.trustedKey)] : await loadTrustedKeys(trustDir(o.dataDir));
      const key = verifySignedConfig(signed, trusted);
      const cfg = parseSiteConfigText(signed.document, file);
      process.stdout.write(`${file}: valid — version ${signed.version}, signed ${signed.signedAt} by key ${key.keyId} (${key.source}), site "${cfg.site.id}"\n`);
    });
  cmd
    .command('trust')
    .description('make a node accept configs signed by this public key (from then on it enforces signatures)')
    .argument('<public-key>')
    .addOption(dataDirOption().default('data'))
    .action(async (file: string, o: { dataDir: string }) => {
      const key = publicKeyFromPem(await readFile(file, 'utf8'), file);
      await mkdir(trustDir(o.dataDir), { recursive: true });
      const dest = join(trustDir(o.dataDir), basename(file).endsWith('.pub') ? basename(file) : `${key.keyId}.pub`);
      await copyFile(file, dest);
      process.stdout.write(`trusted key ${key.keyId} → ${dest}; restart the node to enforce it\n`);
    });
  cmd
    .command('apply')
    .description('send a signed config to a running node (admin token); it applies atomically or rolls back')
    .argument('<file>')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption())
    .action(async (file: string, o: { url: string; token?: string; dataDir?: string }) => {
      const res = await callApi(o.url, resolveToken(o.token, o.dataDir), '/api/v1/config/apply', { rawBody: await readFile(file, 'utf8') });
      const r = res.body as { version: number; unchanged?: boolean; restartRequired?: string[] };
      process.stdout.write(
        r.unchanged
          ? `version ${r.version} already runs\n`
          : `applied version ${r.version}${r.restartRequired?.length ? `; restart the node for: ${r.restartRequired.join(', ')}` : ''}\n`,
      );
    });
  cmd
    .command('status')
    .description('the config version a node runs, its signer and recent history')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption())
    .action(async (o: { url: string; token?: string; dataDir?: string }) => {
      const res = await callApi(o.url, resolveToken(o.token, o.dataDir), '/api/v1/config/version');
      process.stdout.write(`${JSON.stringify(res.body, null, 2)}\n`);
    });
  return cmd;
}
