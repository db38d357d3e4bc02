import { assetSegment, type SampleBatch, type TagRegistry } from '../core/index.js';
import { ShiftCalendar, type ShiftDefinition } from './shift-calendar.js';

/** One sample with its context, for the API and stream edges (never the hot path). */
export interface EnrichedSample {
  tag: string;
  assetPath: string;
  line: string | null;
  unit: string;
  shift: string | null;
  ts: number;
  arrival: number;
  /** null where the store writes NULL (NaN: bad or missing value). */
  value: number | boolean | string | null;
  quality: number;
}

export interface AssetContextOptions {
  tags: TagRegistry;
  /** IANA zone of the site (`site.timezone`), "UTC" by default. */
  timezone?: string;
  shifts?: readonly ShiftDefinition[];
}

/**
 * Context of a tag by registry index: asset path, unit, ISA-95 line and area,
 * and the shift at a time. Built from the registry, so tags defined later
 * (window aggregates) resolve too.
 */
export class AssetContext {
  readonly #tags: TagRegistry;
  readonly #calendar: ShiftCalendar;

  constructor(options: AssetContextOptions) {
    this.#tags = options.tags;
    this.#calendar = new ShiftCalendar(options.timezone ?? 'UTC', options.shifts ?? []);
  }

  assetPath(tag: number): string {
    return this.#tags.get(tag)?.assetPath ?? '';
  }

  unit(tag: number): string {
    return this.#tags.get(tag)?.unit ?? '';
  }

  /** The "line" level (4th segment) of the tag's asset path, or null above line level. */
  line(tag: number): string | null {
    return assetSegment(this.assetPath(tag), 'line') ?? null;
  }

  /** The "area" level (3rd segment) of the tag's asset path, or null above area level. */
  area(tag: number): string | null {
    return assetSegment(this.assetPath(tag), 'area') ?? null;
  }

  shiftAt(ts: number): string | null {
    return this.#calendar.shiftAt(ts);
  }

  /** Sample i of `batch` with its context. */
  enrich(batch: SampleBatch, i: number): EnrichedSample {
    const t = batch.tag[i]!;
    const def = this.#tags.get(t);
    const ts = batch.ts[i]!;
    const v = batch.value[i]!;
    const text = batch.text?.[i];
    return {
      tag: def?.id ?? `#${t}`,
      assetPath: def?.assetPath ?? '',
      line: def ? (assetSegment(def.assetPath, 'line') ?? null) : null,
      unit: def?.unit ?? '',
      shift: this.#calendar.shiftAt(ts),
      ts,
      arrival: batch.arrival[i]!,
      value: text != null ? text : v !== v ? null : def?.dataType === 'boolean' ? v !== 0 : v,
      quality: batch.quality[i]!,
    };
  }
}
