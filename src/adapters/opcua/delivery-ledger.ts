/**
 * Keeps, per tag, the source time of the last sample handed on and whether a
 * gap (connection loss) is open. It makes two promises hold across reconnects:
 * a tag's timestamps only ever increase (no duplicates, whatever the server
 * resends after a new subscription), and every outage leaves one bad-quality
 * marker, so missing data is never silent.
 */
export class DeliveryLedger {
  readonly #last: Float64Array;
  readonly #gapOpen: Uint8Array;
  duplicates = 0;
  gaps = 0;

  constructor(slots: number) {
    this.#last = new Float64Array(slots).fill(Number.NEGATIVE_INFINITY);
    this.#gapOpen = new Uint8Array(slots);
  }

  /**
   * The time to record a notification at, or NaN to drop it as already delivered.
   * After a gap the first value is the one the server holds now; when its source
   * time predates the gap marker it is recorded at `arrival` (when it was read
   * back), because it is a fresh observation of a value the ledger cannot place
   * before the marker without reordering history.
   */
  admit(slot: number, ts: number, arrival: number): number {
    const last = this.#last[slot]!;
    if (this.#gapOpen[slot] === 1) {
      this.#gapOpen[slot] = 0;
      const at = ts > last ? ts : Math.max(arrival, nextAfter(last));
      this.#last[slot] = at;
      return at;
    }
    if (!(ts > last)) {
      this.duplicates++;
      return Number.NaN;
    }
    this.#last[slot] = ts;
    return ts;
  }

  /** Opens a gap on `slot` at `at` (or just after its last sample); NaN when one is already open. */
  markGap(slot: number, at: number): number {
    if (this.#gapOpen[slot] === 1) return Number.NaN;
    const last = this.#last[slot]!;
    const ts = at > last ? at : nextAfter(last);
    this.#last[slot] = ts;
    this.#gapOpen[slot] = 1;
    this.gaps++;
    return ts;
  }

  gapOpen(slot: number): boolean {
    return this.#gapOpen[slot] === 1;
  }
}

/** One microsecond later: timestamps are epoch ms with fractions. */
function nextAfter(ts: number): number {
  return ts + 0.001;
}
