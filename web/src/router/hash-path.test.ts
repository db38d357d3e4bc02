import { describe, expect, it } from 'vitest';
import { hrefOf, parseHash } from './hash-path.js';

describe('hash routes', () => {
  it('keeps an asset path whole across a link and back', () => {
    const href = hrefOf(['machine', 'acme/demo/bottling/line1/filler'], { trend: 'line1.filler.flow,line1.filler.bowl_level', range: undefined });
    expect(href).toBe('#/machine/acme/demo/bottling/line1/filler?trend=line1.filler.flow%2Cline1.filler.bowl_level');
    const route = parseHash(href);
    expect(route.segments).toEqual(['machine', 'acme', 'demo', 'bottling', 'line1', 'filler']);
    expect(route.params.get('trend')).toBe('line1.filler.flow,line1.filler.bowl_level');
  });

  it('reads the overview from an empty hash and survives bad escapes and extra question marks', () => {
    expect(parseHash('').segments).toEqual([]);
    expect(parseHash('#/').href).toBe('/');
    expect(parseHash('#/events/%E0%A4%A?q=a?b').segments).toEqual(['events', '%E0%A4%A']);
    expect(parseHash('#/events?q=a?b').params.get('q')).toBe('a?b');
  });
});
