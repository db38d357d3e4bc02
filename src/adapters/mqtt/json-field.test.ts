import { describe, expect, it } from 'vitest';
import { parseFieldSelector, selectField } from './json-field.js';
import { coerceTagValue } from './tag-value.js';

describe('json field selectors', () => {
  it.each([
    ['$', []],
    ['$.temp', ['temp']],
    ['temp', ['temp']],
    ['$.data[0].value', ['data', 0, 'value']],
    ['data[2]', ['data', 2]],
    ["$['odd key'].x", ['odd key', 'x']],
    ['[1]', [1]],
  ])('parses %s', (sel, path) => {
    expect(parseFieldSelector(sel)).toEqual(path);
  });

  it.each(['$.', '$..x', '$.a[', 'a b', '$[x]'])('rejects %s with MQTT_BAD_SELECTOR', (sel) => {
    expect(() => parseFieldSelector(sel)).toThrow(expect.objectContaining({ code: 'MQTT_BAD_SELECTOR' }));
  });

  it('selects values and returns undefined for missing steps', () => {
    const doc = { temp: 21.5, data: [{ value: 3 }, { value: true }], 'odd key': { x: 'y' } };
    expect(selectField(doc, parseFieldSelector('$.temp'))).toBe(21.5);
    expect(selectField(doc, parseFieldSelector('$.data[1].value'))).toBe(true);
    expect(selectField(doc, parseFieldSelector("$['odd key'].x"))).toBe('y');
    expect(selectField(doc, parseFieldSelector('$.data[5].value'))).toBeUndefined();
    expect(selectField(doc, parseFieldSelector('$.temp.x'))).toBeUndefined();
    expect(selectField(doc, parseFieldSelector('$.data.x'))).toBeUndefined();
    expect(selectField(42, parseFieldSelector('$'))).toBe(42);
  });

  it('coerces values to tag types, refusing what does not fit', () => {
    expect(coerceTagValue(1.5, 'number')).toEqual({ text: false, value: 1.5 });
    expect(coerceTagValue('21.5', 'number')).toEqual({ text: false, value: 21.5 });
    expect(coerceTagValue(2.6, 'integer')).toEqual({ text: false, value: 3 });
    expect(coerceTagValue(true, 'boolean')).toEqual({ text: false, value: 1 });
    expect(coerceTagValue(7, 'string')).toEqual({ text: true, value: '7' });
    expect(coerceTagValue('abc', 'number')).toBeUndefined();
    expect(coerceTagValue({}, 'number')).toBeUndefined();
    expect(coerceTagValue(null, 'string')).toBeUndefined();
    expect(coerceTagValue(5, 'boolean')).toBeUndefined();
  });
});
