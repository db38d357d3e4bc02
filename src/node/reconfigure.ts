import type { SiteConfig } from '../config/index.js';
import type { ReconfigureOutcome } from '../rollout/index.js';
import { sleep } from './backoff.js';
import type { Supervisor } from './supervisor.js';

/** Sections a running node cannot swap: they take effect at the next restart. */
const RESTART_SECTIONS = ['api', 'store', 'security'] as const satisfies readonly (keyof SiteConfig)[];

/**
 * Swaps the node's sources to `next` (through `swap`, which stops the old
 * supervisor and starts a new one) and waits until every enabled device is up.
 * A device still not up after `timeoutMs` makes the outcome a failure, naming
 * each one with its last error, so the rollout can go back.
 */
export async function reconfigureSources(o: { current: SiteConfig; next: SiteConfig; timeoutMs: number; swap(): Promise<Supervisor> }): Promise<ReconfigureOutcome> {
  const restartRequired = RESTART_SECTIONS.filter((k) => JSON.stringify(o.current[k]) !== JSON.stringify(o.next[k]));
  const supervisor = await o.swap();
  const expected = o.next.devices.filter((d) => d.enabled).map((d) => d.id);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const health = supervisor.health();
    const notUp = expected.filter((id) => health[id]?.state !== 'up');
    if (notUp.length === 0) return { ok: true, restartRequired };
    if (Date.now() >= deadline) {
      return { ok: false, failed: Object.fromEntries(notUp.map((id) => [id, health[id]?.message ?? health[id]?.state ?? 'not started'])) };
    }
    await sleep(100);
  }
}
