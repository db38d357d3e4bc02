import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { Outbox } from './outbox.js';

// Runs only as the child of outbox-crash.test.ts, which kills it with SIGKILL part way.
const dir = process.env['FABRIK_OUTBOX_CRASH_DIR'];

describe.skipIf(!dir)('outbox crash child', () => {
  it('appends until it is killed', async () => {
    const outbox = await Outbox.open({ dir: dir!, maxBytes: 1e9, segmentBytes: 16 * 1024 });
    let n = outbox.lastSeq('rollup');
    for (let round = 0; ; round++) {
      const count = 1 + (round % 37);
      const items = Array.from({ length: count }, (_, i) => ({ n: n + 1 + i, pad: 'x'.repeat((n + i) % 200) }));
      const got = await outbox.append('rollup', items, { through: n + count });
      n = got!.lastSeq;
      // What the parent may count on: every item through n survived.
      writeFileSync(join(dir!, 'appended'), String(n));
      if (round % 11 === 5) await outbox.ack('rollup', n - 40);
    }
  }, 600_000);
});
