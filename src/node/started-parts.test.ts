import { describe, expect, it } from 'vitest';
import { StartedParts } from './started-parts.js';

describe('the parts a node has started', () => {
  it('closes what was opened, newest first, when a later part fails, and rethrows the start-up error', async () => {
    const closed: string[] = [];
    const failures: string[] = [];
    const parts = new StartedParts((part) => failures.push(part));
    parts.opened('store', () => closed.push('store'));
    await parts.start(async () => 'ok');
    parts.opened('fabric', () => {
      closed.push('fabric');
      throw new Error('already gone');
    });
    parts.opened('api', async () => closed.push('api'));
    await expect(parts.start(async () => Promise.reject(new Error('port 8080 is in use')))).rejects.toThrow('port 8080 is in use');
    expect(closed).toEqual(['api', 'fabric', 'store']);
    expect(failures).toEqual(['fabric']);
  });

  it('hands back what a part returns and closes nothing while every part starts', async () => {
    const closed: string[] = [];
    const parts = new StartedParts(() => undefined);
    parts.opened('store', () => closed.push('store'));
    expect(await parts.start(async () => 42)).toBe(42);
    expect(closed).toEqual([]);
  });
});
