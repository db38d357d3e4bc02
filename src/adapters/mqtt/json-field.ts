import { MqttError } from './errors.js';

/** A parsed field selector: object keys (string) and array indices (number) from the root. */
export type FieldPath = readonly (string | number)[];

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(['"])(.*?)\3\])/;

/**
 * Parses a small JSONPath-like selector: `$` (the whole payload), `$.temp`,
 * `$.data[0].value`, `$['odd key']`, or the same without the leading `$`
 * (`value`, `data[0].value`). Throws MqttError MQTT_BAD_SELECTOR otherwise.
 */
export function parseFieldSelector(selector: string): FieldPath {
  let rest = selector.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (rest.length > 0 && !rest.startsWith('[')) rest = `.${rest}`;
  const path: (string | number)[] = [];
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) {
      throw new MqttError('MQTT_BAD_SELECTOR', `field selector "${selector}" is not understood at "${rest}"; use forms like "$.temp", "$.data[0].value" or "value"`);
    }
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(m[4]!);
    rest = rest.slice(m[0].length);
  }
  return path;
}

/** The value at `path` in a parsed JSON document, or undefined when any step is missing. */
export function selectField(doc: unknown, path: FieldPath): unknown {
  let cur = doc;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}
