/** When a score counts as an anomaly, and when the anomaly is over. */
export interface TrackerSettings {
  threshold: number;
  /** Scores above the threshold in a row before an anomaly is raised. */
  confirm: number;
  /** The anomaly clears once the score stayed below this for `clearAfter` scores (hysteresis). */
  clearBelow: number;
  clearAfter: number;
}

/**
 * Turns a stream of scores into anomaly onsets and clearances with
 * hysteresis, so a score hovering at the threshold raises one event, not one
 * per sample.
 */
export class AnomalyTracker {
  readonly settings: TrackerSettings;
  active = false;
  since = 0;
  peak = 0;
  #above = 0;
  #below = 0;

  constructor(settings: TrackerSettings) {
    this.settings = settings;
  }

  observe(score: number, ts: number): 'onset' | 'cleared' | null {
    if (!(score >= 0)) return null;
    const s = this.settings;
    if (!this.active) {
      if (score <= s.threshold) {
        this.#above = 0;
        return null;
      }
      if (++this.#above < s.confirm) return null;
      this.active = true;
      this.since = ts;
      this.peak = score;
      this.#below = 0;
      return 'onset';
    }
    if (score > this.peak) this.peak = score;
    if (score >= s.clearBelow) {
      this.#below = 0;
      return null;
    }
    if (++this.#below < s.clearAfter) return null;
    this.active = false;
    this.#above = 0;
    return 'cleared';
  }

  reset(): void {
    this.active = false;
    this.#above = 0;
    this.#below = 0;
  }
}
