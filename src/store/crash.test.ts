import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore, registry, tempDir } from './store-fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('crash recovery', () => {
  it('keeps every acknowledged sample after kill -9 of the writing process', async () => {
    const dir = tempDir();
    const child = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'src/store/crash-child.test.ts', '--pool=forks'], {
      cwd: root, env: { ...process.env, FABRIK_CRASH_DIR: dir }, encoding: 'utf8', timeout: 60_000,
    });
    const acked = Number(fs.readFileSync(path.join(dir, 'acked'), 'utf8'));
    expect(acked, child.stdout + child.stderr).toBe(400_000);
    expect(fs.existsSync(path.join(dir, 'fabrik.duckdb.wal'))).toBe(true);
    const store = await openStore(dir, registry(10));
    try {
      const r = await store.query('SELECT count(*) FROM samples');
      expect(Number(r.rows[0]![0])).toBeGreaterThanOrEqual(acked);
      // Minutes open at the crash are recomputed from raw and persisted on the next commit tick.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const roll = await store.query('SELECT sum(count) FROM rollups_1m');
      expect(roll.rows).toEqual((await store.query('SELECT count(value) FROM samples')).rows);
      expect(store.latest(0)).toBeDefined();
    } finally {
      await store.close();
    }
  }, 90_000);
});
