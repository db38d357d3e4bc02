import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { auditPaths, verifyAuditFiles } from '../security/index.js';
import { dataDirOption } from './options.js';

/** `fabrik audit verify|show`: check and read a node's audit log where its data dir is. */
export function auditCommand(): Command {
  const cmd = new Command('audit').description('verify and read the hash-chained audit log of a node');
  cmd
    .command('verify')
    .description('check every entry’s hash, the chain and the signed head; exits 1 on any edited, deleted or cut-off entry')
    .addOption(dataDirOption().default('data'))
    .option('--public-key <file>', 'audit public key kept apart from the node (default: <data-dir>/audit/audit-signing.pub)')
    .action(async (o: { dataDir: string; publicKey?: string }) => {
      const paths = auditPaths(o.dataDir);
      const v = await verifyAuditFiles(paths, o.publicKey ? await readFile(o.publicKey, 'utf8') : undefined);
      if (v.ok) {
        process.stdout.write(`${paths.log}: OK — ${v.entries} entries, chain intact, head ${v.lastSeq} ${v.lastHash.slice(0, 16)}… signed\n`);
        return;
      }
      process.stdout.write(`${paths.log}: TAMPERED — ${v.problems.length} problem(s) in ${v.entries} entries:\n`);
      for (const p of v.problems) process.stdout.write(`  ${p.line ? `line ${p.line}` : 'log'}${p.seq !== undefined ? ` (entry ${p.seq})` : ''}: ${p.problem}\n`);
      process.exitCode = 1;
    });
  cmd
    .command('show')
    .description('print the newest entries')
    .addOption(dataDirOption().default('data'))
    .option('--limit <n>', 'how many', '50')
    .option('--action <prefix>', 'only actions starting with this, e.g. config or auth.login')
    .action(async (o: { dataDir: string; limit: string; action?: string }) => {
      const text = await readFile(auditPaths(o.dataDir).log, 'utf8').catch(() => '');
      const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number; ts: number; actor: string; action: string; target?: string; outcome: string });
      const shown = lines.filter((e) => !o.action || e.action.startsWith(o.action)).slice(-Number(o.limit));
      for (const e of shown) process.stdout.write(`${String(e.seq).padStart(6)}  ${new Date(e.ts).toISOString()}  ${e.outcome.padEnd(6)}  ${e.action.padEnd(20)}  ${e.actor}  ${e.target ?? ''}\n`);
    });
  return cmd;
}
