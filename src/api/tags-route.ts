import { Hono } from 'hono';
import { z } from 'zod';
import { isUnder } from '../core/index.js';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import { validate } from './json-body.js';
import { qualityJson, sampleValue } from './sample-json.js';

const tagsQuery = z.object({
  asset: z.string().trim().min(1).max(512).optional(),
  q: z.string().max(256).optional(),
});

/** `GET /tags` (filter by asset path prefix and substring) and `GET /tags/:id/latest`. */
export function tagsRoute(deps: ApiDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .get('/tags', requireRole('viewer'), (c) => {
      const { asset, q } = validate(tagsQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      const prefix = asset?.replace(/\/+$/, '');
      const needle = q?.toLowerCase();
      const tags = deps.tags.all().filter(
        (t) =>
          (!prefix || isUnder(t.assetPath, prefix)) &&
          (!needle || t.id.toLowerCase().includes(needle) || t.description.toLowerCase().includes(needle)),
      );
      return c.json({ tags });
    })
    .get('/tags/:id/latest', requireRole('viewer'), (c) => {
      const id = c.req.param('id');
      const index = deps.tags.index(id);
      if (index === undefined) throw notFound('TAG_NOT_FOUND', `tag "${id}" is not defined on this node; list tags with GET /api/v1/tags`);
      const sample = deps.latest(index);
      if (!sample) throw notFound('TAG_NO_VALUE', `tag "${id}" has no value yet; its source may not have reported since the node started`);
      return c.json({
        tag: id,
        ts: new Date(sample.ts).toISOString(),
        value: sampleValue(sample.value, deps.tags.get(index)),
        ...qualityJson(sample.quality),
      });
    });
}
