import type { Processor, SampleBatch, TagRegistry } from '../core/index.js';
import type { PipelineConfig, ProcessorConfig } from '../config/index.js';
import type { StageStats } from './stage-stats.js';
import type { TagBindings } from './tag-bindings.js';

/** What a stage is built from: the node's tags, their bindings, the pipeline config, a clock, its counters. */
export interface ProcessorContext {
  tags: TagRegistry;
  bindings: TagBindings;
  pipeline: PipelineConfig;
  /** Node clock, epoch ms. */
  now: () => number;
  stats: StageStats;
}

/** A processor entry of `pipeline.processors`, or one of the two stages every pipeline starts with. */
export type ProcessorSpec = ProcessorConfig | { type: 'timestamp-guard' } | { type: 'late-data' };

/** Builds one stage; throws PipelineError when the spec does not fit it. */
export type ProcessorFactory = (spec: ProcessorSpec, ctx: ProcessorContext) => Processor;

/** A stage that releases samples with time (heartbeats, held points, windows). */
export type TimedProcessor = Processor & { tick(now: number): SampleBatch | null };
