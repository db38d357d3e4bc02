import { EMPTY_BATCH, concatBatches, type Processor, type SampleBatch, type TagRegistry } from '../core/index.js';
import { pipelineSchema, type DeviceConfig, type PipelineConfig } from '../config/index.js';
import { PipelineError, PipelineErrorCode } from './errors.js';
import type { ProcessorSpec } from './processor-context.js';
import { createProcessorRegistry, type ProcessorRegistry } from './processor-registry.js';
import { StageStats, type PipelineStats } from './stage-stats.js';
import { TagBindings } from './tag-bindings.js';

/** The parts of the site config a pipeline reads; a whole `SiteConfig` fits. */
export interface PipelineSiteConfig {
  devices?: readonly Pick<DeviceConfig, 'tags'>[];
  /** Defaults of the config schema when absent. */
  pipeline?: PipelineConfig;
}

export interface PipelineOptions {
  config: PipelineSiteConfig;
  tags: TagRegistry;
  /** Node clock in epoch ms (for the future-timestamp guard); `Date.now` by default. */
  now?: () => number;
  /** Processor factories; `createProcessorRegistry()` by default. */
  registry?: ProcessorRegistry;
}

/** The chain: timestamp-guard → late-data → `pipeline.processors` in config order. */
export interface Pipeline {
  process(batch: SampleBatch): SampleBatch;
  /** What time alone releases (heartbeats, held swinging-door points, closed windows), passed through the rest of the chain. */
  tick(now: number): SampleBatch;
  stats(): PipelineStats;
}

/** Builds the pipeline of a site; throws PipelineError naming an unknown processor type. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { tags } = options;
  const registry = options.registry ?? createProcessorRegistry();
  const pipeline = options.config.pipeline ?? pipelineSchema.parse({});
  const bindings = new TagBindings(tags, options.config.devices ?? []);
  const now = options.now ?? Date.now;
  const specs: ProcessorSpec[] = [{ type: 'timestamp-guard' }, { type: 'late-data' }, ...pipeline.processors];
  const counters: StageStats[] = [];
  const stages: Processor[] = specs.map((spec, i) => {
    const factory = registry.get(spec.type);
    if (!factory) {
      const known = [...registry.keys()].join(', ');
      throw new PipelineError(
        PipelineErrorCode.UnknownProcessor,
        `pipeline.processors[${i - 2}]: unknown processor type "${spec.type}"; known types: ${known}`,
      );
    }
    const stats = new StageStats(specs.filter((s, j) => j < i && s.type === spec.type).length ? `${spec.type}#${i}` : spec.type);
    counters.push(stats);
    return factory(spec, { tags, bindings, pipeline, now, stats });
  });
  let samplesIn = 0, samplesOut = 0;

  return {
    process(batch) {
      samplesIn += batch.length;
      let b = batch;
      for (const stage of stages) {
        if (b.length === 0) break;
        b = stage.process(b);
      }
      samplesOut += b.length;
      return b.length === 0 ? EMPTY_BATCH : b;
    },

    tick(t) {
      // Each stage's release goes through the stages after it, like any other batch.
      let carry: SampleBatch = EMPTY_BATCH;
      for (const stage of stages) {
        if (carry.length > 0) carry = stage.process(carry);
        const released = stage.tick?.(t);
        if (released && released.length > 0) carry = concatBatches([carry, released]);
      }
      samplesOut += carry.length;
      return carry;
    },

    stats() {
      return { in: samplesIn, out: samplesOut, stages: counters.map((c) => c.snapshot()) };
    },
  };
}
