import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { initSite, issueCertificate, describeCertificate, writeSecretFile } from '../security/index.js';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDirOption } from './options.js';

const collect = (v: string, all: string[]) => [...all, v];

/** `fabrik init`: a secure site from scratch (or with your own certificates). */
export function initCommand(): Command {
  return new Command('init')
    .description('create a secure site: site CA, node certificate, config signing key, admin user and a signed starter config')
    .addOption(new Option('--site-dir <dir>', 'where the site secrets and config sources go (keep it off the nodes; commit only the public parts)').default('site'))
    .addOption(dataDirOption().default('data'))
    .addOption(new Option('--site-id <id>', 'site identifier (lower case)').default('plant1'))
    .addOption(new Option('--enterprise <id>', 'enterprise identifier (lower case)').default('acme'))
    .addOption(new Option('--node-name <name>', 'this node’s name, the certificate’s common name').default('edge-1'))
    .option('--name <dns-or-ip>', 'another DNS name or IP clients reach the node by (repeatable)', collect, [])
    .option('--ca-cert <file>', 'bring your own CA certificate (PEM) instead of creating one')
    .option('--ca-key <file>', 'the key of --ca-cert (PEM)')
    .option('--node-cert <file>', 'bring your own node certificate (PEM)')
    .option('--node-key <file>', 'the key of --node-cert (PEM)')
    .option('--admin-user <name>', 'name of the first admin user', 'admin')
    .option('--force', 'replace an existing site (old certificates and keys stop working)')
    .action(async (o: Record<string, string | string[] | boolean | undefined>) => {
      const str = (k: string) => o[k] as string | undefined;
      const r = await initSite({
        siteDir: resolve(str('siteDir')!),
        dataDir: resolve(str('dataDir')!),
        siteId: str('siteId')!,
        enterprise: str('enterprise')!,
        nodeName: str('nodeName')!,
        names: o['name'] as string[],
        ...(str('caCert') ? { caCertFile: str('caCert')! } : {}),
        ...(str('caKey') ? { caKeyFile: str('caKey')! } : {}),
        ...(str('nodeCert') ? { nodeCertFile: str('nodeCert')! } : {}),
        ...(str('nodeKey') ? { nodeKeyFile: str('nodeKey')! } : {}),
        adminUser: str('adminUser')!,
        force: o['force'] === true,
      });
      const out = process.stdout;
      out.write(`Site "${str('siteId')}" initialised.\n`);
      out.write(`  site CA          ${r.files['caCert']} (SHA-256 ${r.caFingerprint})\n`);
      if (r.files['caKey']) out.write(`  CA key           ${r.files['caKey']} (0600 — keep it offline; it signs node certificates)\n`);
      out.write(`  node certificate ${r.files['nodeCert']}, key ${r.files['nodeKey']}\n`);
      out.write(`  config signing   ${r.files['signingKey']} (key id ${r.configKeyId}; the node trusts ${r.files['trustedKey']})\n`);
      out.write(`  starter config   ${r.files['siteConfig']}, signed as version 1 in ${r.files['signedConfig']}\n`);
      out.write(`  admin user       ${r.adminUser}\n`);
      out.write(`  admin password   ${r.adminPassword}\n`);
      out.write('The password is shown only now; store it in your password manager.\n');
      out.write(`Start the node:   fabrik node --config ${r.files['signedConfig']} --data-dir ${str('dataDir')} --watch-config\n`);
    });
}

/** `fabrik cert issue|show`: more node certificates from the site CA (other site nodes, the hub uplink, mTLS clients). */
export function certCommand(): Command {
  const cmd = new Command('cert').description('issue and inspect certificates of the site CA');
  cmd
    .command('issue')
    .description('issue a certificate signed by the site CA')
    .requiredOption('--common-name <name>', 'node or client name (also a DNS name in the certificate)')
    .option('--site-dir <dir>', 'site folder holding pki/ca.crt and pki/ca.key', 'site')
    .option('--name <dns-or-ip>', 'another DNS name or IP (repeatable)', collect, [])
    .addOption(new Option('--usage <usage>', 'server, client (mTLS) or both').choices(['server', 'client', 'both']).default('both'))
    .option('--days <n>', 'validity in days', '397')
    .option('--out <dir>', 'folder for <name>.crt and <name>.key', '.')
    .option('--data-dir <dir>', 'instead of --out: install as the node certificate of this data dir')
    .action(async (o: { commonName: string; siteDir: string; name: string[]; usage: 'server' | 'client' | 'both'; days: string; out: string; dataDir?: string }) => {
      const ca = { certPem: await readFile(join(o.siteDir, 'pki', 'ca.crt'), 'utf8'), keyPem: await readFile(join(o.siteDir, 'pki', 'ca.key'), 'utf8') };
      const leaf = await issueCertificate({ ca, commonName: o.commonName, names: o.name, usage: o.usage, validityDays: Number(o.days) });
      const [certFile, keyFile] = o.dataDir
        ? [join(o.dataDir, 'pki', 'node.crt'), join(o.dataDir, 'secrets', 'node.key')]
        : [join(o.out, `${o.commonName}.crt`), join(o.out, `${o.commonName}.key`)];
      await mkdir(join(certFile, '..'), { recursive: true });
      await writeFile(certFile, leaf.certPem, { mode: 0o644 });
      await writeSecretFile(keyFile, leaf.keyPem);
      if (o.dataDir) await writeFile(join(o.dataDir, 'pki', 'ca.crt'), ca.certPem, { mode: 0o644 });
      const d = describeCertificate(leaf.certPem);
      process.stdout.write(`issued ${certFile} (key ${keyFile}, 0600): ${d.subject}, names ${d.names.join(', ')}, valid to ${d.validTo}\n`);
    });
  cmd
    .command('show')
    .description('print subject, issuer, names and validity of a PEM certificate')
    .argument('<file>')
    .action(async (file: string) => {
      process.stdout.write(`${JSON.stringify(describeCertificate(await readFile(file, 'utf8')), null, 2)}\n`);
    });
  return cmd;
}
