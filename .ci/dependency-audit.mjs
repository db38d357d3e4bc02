// Dependency audit for CI: `npm audit --omit=dev` judged sensibly.
// - fails on high/critical advisories in production dependencies that have a fix
//   (npm can upgrade to it: there is no reason to ship the vulnerable version);
// - lists, without failing, high/critical advisories that have no fix yet (nothing to
//   upgrade to; failing would block every change until upstream ships one) — review them;
// - skips with a notice when the advisory service cannot be reached (CI must not turn
//   red because a registry mirror lacks the audit endpoint); FABRIK_AUDIT_STRICT=1
//   makes that a failure instead.
// Usage: node .ci/dependency-audit.mjs [--from-file audit.json]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function judge(report) {
  if (!report || typeof report !== 'object' || !report.vulnerabilities) {
    const why = report?.message ?? report?.error?.summary ?? 'no report';
    return { code: process.env.FABRIK_AUDIT_STRICT === '1' ? 1 : 0, lines: [`dependency audit skipped: the advisory service did not answer (${why})`] };
  }
  const serious = Object.entries(report.vulnerabilities).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
  const fixable = serious.filter(([, v]) => v.fixAvailable);
  const unfixable = serious.filter(([, v]) => !v.fixAvailable);
  const describe = ([name, v]) => `  ${v.severity.padEnd(8)} ${name} (${v.range}): ${v.via.map((x) => (typeof x === 'string' ? `via ${x}` : x.title)).join('; ')}`;
  const lines = [`dependency audit: ${JSON.stringify(report.metadata?.vulnerabilities ?? {})}`];
  if (unfixable.length) lines.push('high/critical advisories with no fix available yet (not failing; review):', ...unfixable.map(describe));
  if (fixable.length) lines.push('high/critical advisories that a dependency upgrade fixes — run "npm audit fix --omit=dev" or bump them:', ...fixable.map(describe));
  return { code: fixable.length ? 1 : 0, lines };
}

function run() {
  const at = process.argv.indexOf('--from-file');
  let text;
  if (at > 0) text = readFileSync(process.argv[at + 1], 'utf8');
  else {
    try {
      text = execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (err) {
      text = err.stdout ?? '';
    }
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    report = { message: 'npm audit printed no JSON' };
  }
  const { code, lines } = judge(report);
  for (const l of lines) console.log(l);
  process.exit(code);
}

if (import.meta.url === `file://${process.argv[1]}`) run();
