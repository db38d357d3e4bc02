import { describe, expect, it } from 'vitest';
import { FaultCounter } from './fault-counter.js';

describe('FaultCounter', () => {
  it('counts every occurrence and logs each cause once', () => {
    const logged: string[] = [];
    const log = (_o: object, msg?: string) => void logged.push(msg ?? '');
    const c = new FaultCounter({ info: log, warn: log, error: log });
    for (let i = 0; i < 100; i++) c.count('type:a', 'tag a sent text');
    c.count('node:b', 'tag b unknown');
    expect(c.snapshot()).toEqual({ 'type:a': 100, 'node:b': 1 });
    expect(c.total).toBe(101);
    expect(logged).toHaveLength(2);
  });
});
