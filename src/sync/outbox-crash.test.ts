import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'fabrik-outbox-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appended(): number {
  const f = join(dir, 'appended');
  return existsSync(f) ? Number(readFileSync(f, 'utf8')) : 0;
}

/** Starts the appending child, waits until it appended past `after`, then kills it with SIGKILL at a random moment. */
async function runAndKill(after: number): Promise<void> {
  const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'src/sync/outbox-crash-child.test.ts', '--pool=forks'], {
    cwd: root,
    env: { ...process.env, FABRIK_OUTBOX_CRASH_DIR: dir },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + 90_000;
  while (appended() <= after + 50) {
    if (Date.now() > until) throw new Error('the child did not append');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, Math.random() * 400));
  // The whole group: vitest's worker does the appending.
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

describe('outbox under kill -9', () => {
  it('keeps every confirmed append, in order, exactly once, across repeated kills', async () => {
    for (let round = 0; round < 5; round++) {
      const before = appended();
      await runAndKill(before);
      const confirmed = appended();
      const outbox = await Outbox.open({ dir, maxBytes: 1e9, segmentBytes: 16 * 1024 });
      try {
        const from = outbox.doneThrough('rollup');
        const items = await outbox.read('rollup', from, 1e9);
        expect(outbox.lastSeq('rollup')).toBeGreaterThanOrEqual(confirmed);
        expect(items.length).toBe(outbox.lastSeq('rollup') - from);
        items.forEach((it, i) => {
          expect(it.seq).toBe(from + 1 + i);
          expect((it.data as { n: number }).n).toBe(it.seq);
        });
        // The producer's resume point is the newest frame's.
        expect((outbox.mark('rollup') as { through: number }).through).toBe(outbox.lastSeq('rollup'));
      } finally {
        await outbox.close();
      }
      writeFileSync(join(dir, 'appended'), String(confirmed));
    }
  }, 300_000);
});
