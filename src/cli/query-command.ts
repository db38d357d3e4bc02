import { Command, Option } from 'commander';
import { callApi, resolveToken } from './api-client.js';
import { dataDirOption, tokenOption, urlOption } from './options.js';
import { formatTable } from './table.js';

interface QueryOpts {
  url: string;
  token?: string;
  dataDir?: string;
  format: 'table' | 'json' | 'csv';
  maxRows?: string;
  scope: 'local' | 'site';
}

export function queryCommand(): Command {
  return new Command('query')
    .description('run a read-only SQL query on a node (views: samples, rollups_1m, events, tags)')
    .argument('<sql>', 'the SELECT to run, e.g. "select count(*) from samples"')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption())
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--max-rows <n>', 'row cap for this query')
    .addOption(new Option('--scope <scope>', 'local: this node only; site: every edge node of the site, merged exactly').choices(['local', 'site']).default('local'))
    .action(async (sql: string, opts: QueryOpts) => {
      const token = resolveToken(opts.token, opts.dataDir);
      const body = { sql, format: opts.format === 'csv' ? 'csv' : 'json', ...(opts.maxRows ? { maxRows: Number(opts.maxRows) } : {}), ...(opts.scope === 'site' ? { scope: 'site' } : {}) };
      const res = await callApi(opts.url, token, '/api/v1/query', { body });
      if (opts.format === 'csv') {
        process.stdout.write(res.text);
        return;
      }
      const data = res.body as { columns: string[]; rows: unknown[][]; truncated: boolean; elapsedMs: number; partial?: boolean; missing?: { node: string; reason: string }[] };
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(data)}\n`);
        return;
      }
      process.stdout.write(`${formatTable(data.columns, data.rows)}\n`);
      let note = data.truncated ? ' (truncated: raise --max-rows or narrow the query)' : '';
      if (data.partial) note += `; PARTIAL: ${(data.missing ?? []).map((m) => `${m.node} (${m.reason})`).join(', ')} did not answer`;
      process.stderr.write(`${data.rows.length} row${data.rows.length === 1 ? '' : 's'} in ${data.elapsedMs.toFixed(1)} ms${note}\n`);
    });
}
