import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../config/index.js';
import { demoSiteConfig } from '../sim/index.js';

describe('kpi section of the site config', () => {
  it('names unknown tags, unknown assets and a missing state map by their path', () => {
    const cfg = demoSiteConfig();
    cfg.kpi = {
      lines: [
        { asset: 'acme/demo/bottling/line9', stateTag: 'line1.filler.state', countTag: 'line1.filler.bottlez', scrapTags: ['line1.capper.rejects', 'nope.tag'], idealRate: 300 },
        { asset: 'acme/demo/bottling/line1', stateTag: 'line1.filler.flow', countTag: 'line1.filler.bottles', idealRate: 300 },
      ],
    };
    const err = (() => {
      try {
        parseSiteConfig(cfg);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/kpi\.lines\[0\]\.asset: asset "acme\/demo\/bottling\/line9" is not declared/);
    expect(err?.message).toMatch(/kpi\.lines\[0\]\.countTag: tag "line1.filler.bottlez" is not a tag of any device/);
    expect(err?.message).toMatch(/kpi\.lines\[0\]\.scrapTags\[1\]: tag "nope.tag"/);
    expect(err?.message).toMatch(/kpi\.lines\[1\]\.stateMap: no stateMap/);
  });

  it('rejects a non-positive ideal rate', () => {
    const cfg = demoSiteConfig();
    cfg.kpi!.lines![0]!.idealRate = 0;
    expect(() => parseSiteConfig(cfg)).toThrow(/kpi\.lines\[0\]\.idealRate/);
  });
});
