import { MqttError } from './errors.js';

/** Throws MqttError when `pattern` is not a valid MQTT subscription filter. */
export function checkTopicPattern(pattern: string): void {
  const levels = pattern.split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw new MqttError('MQTT_BAD_TOPIC_PATTERN', `topic pattern "${pattern}": "#" must be a whole level and the last one`);
    }
    if (level.includes('+') && level !== '+') {
      throw new MqttError('MQTT_BAD_TOPIC_PATTERN', `topic pattern "${pattern}": "+" must be a whole level, e.g. "plant/+/temp"`);
    }
  });
  if (pattern.length === 0) throw new MqttError('MQTT_BAD_TOPIC_PATTERN', 'topic pattern is empty');
}

/**
 * True when `topic` matches the MQTT filter `pattern` (`+` one level, `#` the
 * rest including the parent). Topics starting with "$" never match a leading
 * wildcard, as brokers do for $SYS.
 */
export function topicMatches(pattern: string, topic: string): boolean {
  if (topic.startsWith('$') && (pattern.startsWith('+') || pattern.startsWith('#'))) return false;
  const p = pattern.split('/');
  const t = topic.split('/');
  for (let i = 0; i < p.length; i++) {
    const level = p[i]!;
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return p.length === t.length;
}

/**
 * Topic → values lookup over many patterns, with a bounded cache of exact
 * topics so the hot path is one Map hit per message.
 */
export class TopicRouter<T> {
  readonly #routes: { pattern: string; value: T }[] = [];
  readonly #cache = new Map<string, readonly T[]>();
  readonly #maxCached: number;

  constructor(maxCached = 10_000) {
    this.#maxCached = maxCached;
  }

  add(pattern: string, value: T): void {
    checkTopicPattern(pattern);
    this.#routes.push({ pattern, value });
    this.#cache.clear();
  }

  /** Every value whose pattern matches `topic` (empty when none). */
  match(topic: string): readonly T[] {
    const hit = this.#cache.get(topic);
    if (hit) return hit;
    const out = this.#routes.filter((r) => topicMatches(r.pattern, topic)).map((r) => r.value);
    // Wildcard topics can be unbounded (one per serial number); start over rather than grow.
    if (this.#cache.size >= this.#maxCached) this.#cache.clear();
    this.#cache.set(topic, out);
    return out;
  }

  /** The distinct patterns, for subscribing. */
  patterns(): string[] {
    return [...new Set(this.#routes.map((r) => r.pattern))];
  }
}
