import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDashboard } from './open-dashboard.js';

// A stand-in xdg-open on PATH records what it was asked to open.
const dir = mkdtempSync(join(tmpdir(), 'fabrik-open-'));
const record = join(dir, 'opened.txt');
writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\necho "$1" > ${record}\n`);
chmodSync(join(dir, 'xdg-open'), 0o755);
const wasTty = process.stdout.isTTY;

afterEach(() => {
  process.stdout.isTTY = wasTty;
  rmSync(record, { force: true });
});

async function opened(): Promise<string | null> {
  for (let i = 0; i < 50; i++) {
    if (existsSync(record)) return readFileSync(record, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

describe.runIf(process.platform === 'linux')('opening the dashboard after npm start', () => {
  const desktop = { PATH: `${dir}:/usr/bin:/bin`, DISPLAY: ':0' };

  it('opens the address in the desktop browser for a person at a terminal', async () => {
    process.stdout.isTTY = true;
    expect(openDashboard('http://127.0.0.1:8080/', desktop)).toBe(true);
    expect(await opened()).toBe('http://127.0.0.1:8080/');
  });

  it('never opens on CI, without a display, when asked not to, or when the output is not a terminal', () => {
    process.stdout.isTTY = true;
    expect(openDashboard('http://x/', { ...desktop, CI: 'true' })).toBe(false);
    expect(openDashboard('http://x/', { PATH: desktop.PATH })).toBe(false);
    expect(openDashboard('http://x/', { ...desktop, FABRIK_NO_OPEN: '1' })).toBe(false);
    process.stdout.isTTY = false;
    expect(openDashboard('http://x/', desktop)).toBe(false);
    expect(existsSync(record)).toBe(false);
  });
});
