import { Command } from 'commander';
import { configCommand } from './config-command.js';
import { demoCommand, nodeCommand } from './node-command.js';
import { queryCommand } from './query-command.js';
import { simCommand } from './sim-command.js';
import { tokenCommand } from './token-command.js';
import { trainCommand } from './train-command.js';
import { modelCommand } from './model-command.js';
import { auditCommand } from './audit-command.js';
import { certCommand, initCommand } from './init-command.js';
import { userCommand } from './user-command.js';
import { spcCommand } from './spc-command.js';
import { hubCommand } from './hub-command.js';
import { discoverCommand } from './discover-command.js';

const program = new Command('fabrik')
  .description('Fabrik — local-first data platform for manufacturing sites')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addCommand(demoCommand())
  .addCommand(nodeCommand())
  .addCommand(simCommand())
  .addCommand(queryCommand())
  .addCommand(configCommand())
  .addCommand(tokenCommand())
  .addCommand(trainCommand())
  .addCommand(modelCommand())
  .addCommand(initCommand())
  .addCommand(certCommand())
  .addCommand(userCommand())
  .addCommand(auditCommand())
  .addCommand(spcCommand())
  .addCommand(hubCommand())
  .addCommand(discoverCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`fabrik: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
