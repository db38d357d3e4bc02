import { Quality, type SampleBatchBuilder, type TagDataType } from '../../core/index.js';
import type { BadInputCause } from './bad-input.js';
import { parseFieldSelector, selectField, type FieldPath } from './json-field.js';
import { coerceTagValue } from './tag-value.js';
import { TopicRouter } from './topic-match.js';

/** Where one JSON field goes. */
export interface JsonBinding {
  tag: number;
  type: TagDataType;
  field: FieldPath;
  timestampField?: FieldPath;
}

export interface JsonBindingInput {
  tag: number;
  type: TagDataType;
  /** Topic pattern with MQTT wildcards. */
  topic: string;
  field?: string;
  timestampField?: string;
}

/**
 * JSON payloads → samples: topic patterns pick the bindings, selectors pick
 * the value and the source time. Pure; I/O and counting stay with the caller.
 */
export class JsonMapping {
  readonly #router = new TopicRouter<JsonBinding>();

  /** Throws MqttError for a bad topic pattern or selector (a config error). */
  constructor(bindings: readonly JsonBindingInput[]) {
    for (const b of bindings) {
      const binding: JsonBinding = { tag: b.tag, type: b.type, field: parseFieldSelector(b.field ?? '$') };
      if (b.timestampField) binding.timestampField = parseFieldSelector(b.timestampField);
      this.#router.add(b.topic, binding);
    }
  }

  patterns(): string[] {
    return this.#router.patterns();
  }

  /** Applies one message; reports what could not be used through `issue`. */
  handle(topic: string, payload: Uint8Array, arrival: number, out: SampleBatchBuilder, issue: (cause: BadInputCause, detail: string) => void): void {
    const bindings = this.#router.match(topic);
    if (bindings.length === 0) {
      issue('unmapped-topic', `no tag is bound to topic "${topic}"`);
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    } catch (err) {
      issue('malformed-payload', `topic "${topic}": not JSON (${(err as Error).message})`);
      return;
    }
    for (const b of bindings) {
      const raw = selectField(doc, b.field);
      if (raw === undefined) {
        issue('missing-field', `topic "${topic}": the payload has no field ${JSON.stringify(b.field)}`);
        continue;
      }
      const v = coerceTagValue(raw, b.type);
      if (!v) {
        issue('wrong-type', `topic "${topic}": ${JSON.stringify(raw)?.slice(0, 40)} is not a ${b.type}`);
        continue;
      }
      let ts = arrival;
      if (b.timestampField) {
        const t = sourceTime(selectField(doc, b.timestampField));
        if (t === undefined) {
          issue('bad-timestamp', `topic "${topic}": timestamp field is not epoch ms or ISO 8601; arrival time used`);
        } else ts = t;
      }
      if (v.text) out.pushText(b.tag, ts, v.value, Quality.Good, arrival);
      else out.push(b.tag, ts, v.value, Quality.Good, arrival);
    }
  }
}

/** Epoch ms from a number (ms) or an ISO 8601 string; undefined otherwise. */
function sourceTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
