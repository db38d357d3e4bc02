import { Command, Option } from 'commander';
import { callApi, resolveToken } from './api-client.js';
import { dataDirOption, tokenOption, urlOption } from './options.js';
import { formatTable } from './table.js';

interface SpcOpts {
  url: string;
  token?: string;
  dataDir?: string;
  from?: string;
  to?: string;
  format: 'text' | 'json';
}

interface Characteristic {
  id: string;
  name: string;
  tag: string;
  chart: string;
  subgroupSize: number;
  status: string;
  unit: string;
  spec: { lsl?: number; usl?: number; target?: number };
  lastViolation?: { ts: number; rule: string; message: string };
  limits?: { center: number; ucl: number; lcl: number; source: string };
}

const num = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined ? '—' : Number(x.toPrecision(digits)).toString());

/** `fabrik spc list|report <id>`: the characteristics of a node, and one characteristic's chart and capability as a report. */
export function spcCommand(): Command {
  const cmd = new Command('spc').description('statistical process control on a running node');
  const common = (c: Command) => c.addOption(urlOption()).addOption(tokenOption()).addOption(dataDirOption());
  common(cmd.command('list').description('characteristics with their chart, status and limits')).action(async (o: SpcOpts) => {
    const res = await callApi(o.url, resolveToken(o.token, o.dataDir), '/api/v1/spc/characteristics');
    const list = (res.body as { characteristics: Characteristic[] }).characteristics;
    process.stdout.write(`${formatTable(['id', 'chart', 'n', 'status', 'CL', 'UCL', 'LCL', 'tag'], list.map((c) => [c.id, c.chart, c.subgroupSize, c.status, num(c.limits?.center, 6), num(c.limits?.ucl, 6), num(c.limits?.lcl, 6), c.tag]))}\n`);
  });
  common(cmd.command('report').description('limits, rule violations and capability of one characteristic over a period (default: the last hour)'))
    .argument('<id>', 'characteristic id (see "fabrik spc list")')
    .option('--from <time>', 'ISO time or epoch ms')
    .option('--to <time>', 'ISO time or epoch ms')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (id: string, o: SpcOpts) => {
      const token = resolveToken(o.token, o.dataDir);
      const q = new URLSearchParams({ ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) }).toString();
      const path = `/api/v1/spc/${encodeURIComponent(id)}`;
      const [list, chart, cap] = await Promise.all([
        callApi(o.url, token, '/api/v1/spc/characteristics'),
        callApi(o.url, token, `${path}/chart${q ? `?${q}` : ''}`),
        callApi(o.url, token, `${path}/capability${q ? `?${q}` : ''}`),
      ]);
      const c = (list.body as { characteristics: Characteristic[] }).characteristics.find((x) => x.id === id)!;
      const ch = chart.body as { limits: string; charts: { name: string; center: number; ucl: number; lcl: number; points: unknown[] }[]; violations: { ts: number; rule: string; chart: string; message: string }[] };
      const k = cap.body as { n: number; mean: number; sigmaWithin: number | null; sigmaOverall: number | null; cp: number | null; cpk: number | null; pp: number | null; ppk: number | null; cpm: number | null; cpkCi: { lower: number; upper: number; level: number } | null; normality: { a2: number; p: number; normal: boolean } | null; notes: string[] };
      if (o.format === 'json') {
        process.stdout.write(`${JSON.stringify({ characteristic: c, chart: ch, capability: k })}\n`);
        return;
      }
      const out: string[] = [];
      out.push(`${c.name} (${c.id}) — ${c.chart}, n = ${c.subgroupSize}, tag ${c.tag}, status ${c.status}`);
      out.push(`spec: LSL ${num(c.spec.lsl, 6)}  target ${num(c.spec.target, 6)}  USL ${num(c.spec.usl, 6)} ${c.unit}`);
      out.push(`limits (${ch.limits}):`);
      for (const p of ch.charts) out.push(`  ${p.name.padEnd(5)} CL ${num(p.center, 6)}  UCL ${num(p.ucl, 6)}  LCL ${num(p.lcl, 6)}  (${p.points.length} points)`);
      out.push(`capability (n = ${k.n}): Cp ${num(k.cp)}  Cpk ${num(k.cpk)}${k.cpkCi ? ` [${num(k.cpkCi.lower)}, ${num(k.cpkCi.upper)}] ${k.cpkCi.level * 100}%` : ''}  Pp ${num(k.pp)}  Ppk ${num(k.ppk)}  Cpm ${num(k.cpm)}`);
      out.push(`  mean ${num(k.mean, 6)}  sigma within ${num(k.sigmaWithin)}  overall ${num(k.sigmaOverall)}${k.normality ? `  Anderson–Darling A² ${num(k.normality.a2, 3)}, p ${num(k.normality.p, 3)} (${k.normality.normal ? 'normal' : 'not normal'})` : ''}`);
      for (const n of k.notes) out.push(`  note: ${n}`);
      out.push(`rule violations: ${ch.violations.length}`);
      if (ch.violations.length > 0) out.push(formatTable(['time', 'rule', 'chart', 'what'], ch.violations.slice(-20).map((v) => [new Date(v.ts).toISOString(), v.rule, v.chart, v.message]), 70));
      process.stdout.write(`${out.join('\n')}\n`);
    });
  return cmd;
}
