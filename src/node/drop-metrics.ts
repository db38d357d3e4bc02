import type { Counter, Registry } from 'prom-client';
import type { IngestQueueStats, PipelineStats } from '../pipeline/index.js';

/**
 * Feeds the dropped-samples counter from the pipeline's and queue's own
 * totals at scrape time, so the hot path does no metric work.
 */
export function trackDrops(registry: Registry, counter: Counter<'reason'>, read: () => { pipeline: PipelineStats; queue: IngestQueueStats }): void {
  const seen = new Map<string, number>();
  const bump = (reason: string, total: number): void => {
    const delta = total - (seen.get(reason) ?? 0);
    if (delta > 0) counter.inc({ reason }, delta);
    seen.set(reason, total);
  };
  const collect = (): void => {
    const { pipeline, queue } = read();
    const byReason = new Map<string, number>();
    for (const stage of pipeline.stages) {
      for (const [reason, n] of Object.entries(stage.dropped)) byReason.set(reason, (byReason.get(reason) ?? 0) + n);
    }
    for (const [reason, n] of byReason) bump(reason, n);
    bump('queue_full', queue.dropped);
  };
  // prom-client calls a metric's collect() on every scrape; hook the counter's.
  (counter as unknown as { collect?: () => void }).collect = collect;
  void registry;
}
