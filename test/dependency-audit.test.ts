import { describe, expect, it } from 'vitest';
// @ts-expect-error - a plain .mjs script, tested through its exported judge()
import { judge } from '../.ci/dependency-audit.mjs';

const vuln = (severity: string, fixAvailable: unknown) => ({ severity, fixAvailable, range: '<1.2.3', via: [{ title: 'Prototype pollution' }] });

describe('CI dependency audit', () => {
  it('fails on a high advisory that an upgrade fixes', () => {
    const r = judge({ vulnerabilities: { lodash: vuln('high', { name: 'lodash', version: '4.17.21' }) }, metadata: { vulnerabilities: { high: 1 } } });
    expect(r.code).toBe(1);
    expect(r.lines.join('\n')).toMatch(/upgrade fixes[\s\S]*lodash/);
  });

  it('lists but does not fail on advisories without a fix, and ignores low ones', () => {
    const r = judge({ vulnerabilities: { a: vuln('critical', false), b: vuln('low', true) } });
    expect(r.code).toBe(0);
    expect(r.lines.join('\n')).toMatch(/no fix available[\s\S]*critical a/);
    expect(r.lines.join('\n')).not.toMatch(/ b /);
  });

  it('skips with a notice when the advisory service does not answer', () => {
    const r = judge({ message: '405 Method Not Allowed' });
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/skipped.*405/);
  });
});
