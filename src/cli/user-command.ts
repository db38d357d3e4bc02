import { Command, Option } from 'commander';
import { generatePassword, ROLES, UserStore, type Role } from '../security/index.js';
import { dataDirOption } from './options.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** `fabrik user add|list|passwd|disable|enable|remove`: local accounts of a node (run where its data dir is). */
export function userCommand(): Command {
  const cmd = new Command('user').description('manage the local users who log in to a node (POST /api/v1/auth/login)');
  const withStore = async <T>(dataDir: string, fn: (s: UserStore) => Promise<T>): Promise<T> => {
    const store = await UserStore.open(dataDir);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  cmd
    .command('add')
    .argument('<name>')
    .addOption(new Option('--role <role>', 'what the user may do').choices([...ROLES]).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input (else one is generated and printed once)')
    .addOption(dataDirOption().default('data'))
    .action(async (name: string, o: { role: Role; passwordStdin?: boolean; dataDir: string }) => {
      const password = o.passwordStdin ? await readStdin() : generatePassword();
      const info = await withStore(o.dataDir, (s) => s.add({ name, role: o.role, password }));
      process.stderr.write(`added ${info.role} user ${info.name}\n`);
      if (!o.passwordStdin) process.stdout.write(`${password}\n`);
    });
  cmd
    .command('list')
    .addOption(dataDirOption().default('data'))
    .action(async (o: { dataDir: string }) => {
      for (const u of await withStore(o.dataDir, async (s) => s.list())) {
        process.stdout.write(`${u.name.padEnd(24)} ${u.role.padEnd(8)} ${u.disabled ? 'disabled' : 'enabled '}  password set ${u.passwordChangedAt}\n`);
      }
    });
  cmd
    .command('passwd')
    .argument('<name>')
    .option('--password-stdin', 'read the new password from standard input (else one is generated and printed once)')
    .addOption(dataDirOption().default('data'))
    .action(async (name: string, o: { passwordStdin?: boolean; dataDir: string }) => {
      const password = o.passwordStdin ? await readStdin() : generatePassword();
      await withStore(o.dataDir, (s) => s.setPassword(name, password));
      process.stderr.write(`password of ${name} changed\n`);
      if (!o.passwordStdin) process.stdout.write(`${password}\n`);
    });
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    cmd
      .command(verb)
      .argument('<name>')
      .addOption(dataDirOption().default('data'))
      .action(async (name: string, o: { dataDir: string }) => {
        await withStore(o.dataDir, (s) => s.update(name, { disabled }));
        process.stderr.write(`${name} ${verb}d\n`);
      });
  }
  cmd
    .command('remove')
    .argument('<name>')
    .addOption(dataDirOption().default('data'))
    .action(async (name: string, o: { dataDir: string }) => {
      if (!(await withStore(o.dataDir, (s) => s.remove(name)))) throw new Error(`no user "${name}" (see: fabrik user list)`);
      process.stderr.write(`removed ${name}\n`);
    });
  return cmd;
}
