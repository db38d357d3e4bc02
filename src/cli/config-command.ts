import { Command } from 'commander';
import { ConfigError, loadSiteConfig, siteConfigJsonSchema } from '../config/index.js';
import { addConfigSigningCommands } from './config-signing-command.js';

export function configCommand(): Command {
  const cmd = new Command('config').description('validate, sign, verify and apply site configs, or print their JSON Schema');
  cmd
    .command('validate')
    .description('check a site config file; prints every problem with its path')
    .argument('<file>', 'site config (YAML or JSON)')
    .action((file: string) => {
      try {
        const cfg = loadSiteConfig(file);
        const tags = cfg.devices.reduce((n, d) => n + d.tags.length, 0);
        process.stdout.write(`${file}: valid — site "${cfg.site.id}", ${cfg.assets.length} assets, ${cfg.devices.length} devices, ${tags} tags\n`);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
  cmd
    .command('schema')
    .description('print the JSON Schema of the site config (for editors and Kubernetes values)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(siteConfigJsonSchema(), null, 2)}\n`);
    });
  return addConfigSigningCommands(cmd);
}
