import { Hono } from 'hono';
import { z } from 'zod';
import { isUnder } from '../core/index.js';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { validate } from './json-body.js';
import { qualityJson, sampleValue } from './sample-json.js';
import { tagMatcher } from './tag-glob.js';

const MAX_PATTERNS = 200;

const latestQuery = z.object({
  asset: z.string().trim().min(1).max(512).optional(),
  tags: z
    .string()
    .max(20_000)
    .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
    .refine((list) => list.length <= MAX_PATTERNS, `at most ${MAX_PATTERNS} tags or globs`)
    .optional(),
});

/**
 * `GET /latest?asset=<path>&tags=a,b.*`: the newest value of many tags at once,
 * so a page shows values at once instead of waiting for the stream's next change.
 */
export function latestRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/latest', requireRole('viewer'), (c) => {
    const q = validate(latestQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
    const prefix = q.asset?.replace(/\/+$/, '');
    const matchers = q.tags?.map(tagMatcher);
    const samples: object[] = [];
    for (const def of deps.tags.all()) {
      if (prefix && !isUnder(def.assetPath, prefix)) continue;
      if (matchers && !matchers.some((m) => m(def.id))) continue;
      const index = deps.tags.index(def.id);
      const s = index === undefined ? undefined : deps.latest(index);
      if (!s) continue;
      samples.push({ tag: def.id, ts: s.ts, value: sampleValue(s.value, def), ...qualityJson(s.quality) });
    }
    return c.json({ samples });
  });
}
