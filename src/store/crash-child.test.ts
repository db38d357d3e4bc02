import fs from 'node:fs';
import { it } from 'vitest';
import { Quality, SampleBatchBuilder } from '../core/index.js';
import { openStore, registry } from './store-fixture.js';

// Not a test on its own: crash.test.ts runs this file in a child vitest with
// FABRIK_CRASH_DIR set. It writes until told, recording every acknowledged
// sample count synchronously, then SIGKILLs its own process (no close()).
const dir = process.env.FABRIK_CRASH_DIR;
it.runIf(dir)('writes and dies', async () => {
  const store = await openStore(dir!, registry(10));
  let acked = 0;
  for (let round = 0; round < 40; round++) {
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 5000; i++) b.push(i % 10, Date.UTC(2025, 0, 1) + (round * 5000 + i) * 10, i, Quality.Good);
    const pending = [store.write(b.build()), store.write(b.build())];
    await Promise.all(pending);
    acked += 10_000;
    fs.writeFileSync(`${dir}/acked`, String(acked));
  }
  // One more write in flight when the process dies: it may or may not be there, never required.
  void store.write(new SampleBatchBuilder(1).build());
  process.kill(process.pid, 'SIGKILL');
}, 60_000);
