/** One measurement arriving from the pipeline. */
export interface SubgroupSample {
  /** Epoch milliseconds. */
  ts: number;
  value: number | null | undefined;
  /** Part, batch or lot id, for mode part-id. */
  partId?: string;
}

/** A closed subgroup. `complete` is false when it closed short (timeout, window end, flush); it is still reported. */
export interface Subgroup {
  values: number[];
  /** Timestamp of the first value (or window start) and of the last value (or window end), epoch ms. */
  start: number;
  end: number;
  complete: boolean;
  reason?: 'timeout' | 'window-closed' | 'flush';
  partId?: string;
}

/** How samples form subgroups. */
export interface SubgrouperOptions {
  size: number;
  mode: 'consecutive' | 'time-window' | 'part-id';
  /** Window length in ms, for mode time-window. */
  window?: number;
  /** A subgroup still open this long after its first value closes as incomplete (ms). */
  timeout: number;
}

interface Open {
  values: number[];
  start: number;
  last: number;
  partId?: string;
}

const NONE: readonly Subgroup[] = Object.freeze([]);

/**
 * Forms subgroups incrementally from consecutive samples, fixed time windows
 * (aligned to multiples of the window since the epoch) or part/batch ids.
 * Never throws on a bad sample: missing values, samples without a part id and
 * samples older than the open window are counted, not used. A subgroup that does
 * not fill is closed as incomplete by {@link Subgrouper.tick} or on the next sample
 * after its timeout — never dropped silently.
 */
export class Subgrouper {
  /** Samples with no usable value. */
  skipped = 0;
  /** Samples for a time window that had already closed. */
  late = 0;
  /** part-id samples without a part id. */
  unassigned = 0;
  private open: Open | undefined;
  private readonly parts = new Map<string, Open>();
  private readonly size: number;
  private readonly window: number;

  constructor(private readonly options: SubgrouperOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    this.window = options.window ?? options.timeout;
  }

  /** Adds a sample; returns the subgroups it closed (usually none or one). */
  push(sample: SubgroupSample): readonly Subgroup[] {
    const v = sample.value;
    const ts = sample.ts;
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(ts)) {
      this.skipped++;
      return NONE;
    }
    switch (this.options.mode) {
      case 'consecutive':
        return this.pushConsecutive(v, ts);
      case 'time-window':
        return this.pushWindow(v, ts);
      case 'part-id':
        return this.pushPart(v, ts, sample.partId);
    }
  }

  /** Closes subgroups whose timeout or window has passed at `now` (epoch ms). */
  tick(now: number): readonly Subgroup[] {
    const out: Subgroup[] = [];
    if (this.options.mode === 'time-window') {
      if (this.open && now >= this.open.start + this.window) out.push(this.closeWindow(this.open));
    } else if (this.open && now - this.open.start >= this.options.timeout) {
      out.push(close(this.open, false, 'timeout'));
      this.open = undefined;
    }
    for (const [id, g] of this.parts) {
      if (now - g.start >= this.options.timeout) {
        out.push(close(g, false, 'timeout'));
        this.parts.delete(id);
      }
    }
    return out.length ? out : NONE;
  }

  /** Closes everything still open as incomplete (shutdown, reconfiguration). */
  flush(): readonly Subgroup[] {
    const out: Subgroup[] = [];
    if (this.open) out.push(close(this.open, false, 'flush'));
    this.open = undefined;
    for (const g of this.parts.values()) out.push(close(g, false, 'flush'));
    this.parts.clear();
    return out.length ? out : NONE;
  }

  private pushConsecutive(v: number, ts: number): readonly Subgroup[] {
    let out: Subgroup[] | undefined;
    if (this.open && ts - this.open.start >= this.options.timeout) {
      out = [close(this.open, false, 'timeout')];
      this.open = undefined;
    }
    const g = (this.open ??= { values: [], start: ts, last: ts });
    g.values.push(v);
    g.last = ts;
    if (g.values.length >= this.size) {
      (out ??= []).push(close(g, true));
      this.open = undefined;
    }
    return out ?? NONE;
  }

  private pushWindow(v: number, ts: number): readonly Subgroup[] {
    const start = Math.floor(ts / this.window) * this.window;
    let out: Subgroup[] | undefined;
    if (this.open && start !== this.open.start) {
      if (start < this.open.start) {
        this.late++;
        return NONE;
      }
      out = [this.closeWindow(this.open)];
    }
    const g = (this.open ??= { values: [], start, last: ts });
    g.values.push(v);
    g.last = ts;
    return out ?? NONE;
  }

  private closeWindow(g: Open): Subgroup {
    this.open = undefined;
    const full = g.values.length >= this.size;
    const s = close(g, full, full ? undefined : 'window-closed');
    s.end = g.start + this.window;
    return s;
  }

  private pushPart(v: number, ts: number, partId: string | undefined): readonly Subgroup[] {
    if (partId === undefined || partId === '') {
      this.unassigned++;
      return NONE;
    }
    let g = this.parts.get(partId);
    if (!g) {
      g = { values: [], start: ts, last: ts, partId };
      this.parts.set(partId, g);
    }
    g.values.push(v);
    g.last = ts;
    if (g.values.length < this.size) return NONE;
    this.parts.delete(partId);
    return [close(g, true)];
  }
}

function close(g: Open, complete: boolean, reason?: Subgroup['reason']): Subgroup {
  const s: Subgroup = { values: g.values, start: g.start, end: g.last, complete };
  if (reason) s.reason = reason;
  if (g.partId !== undefined) s.partId = g.partId;
  return s;
}
