import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps, EventFilter } from './deps.js';
import { badRequest, notFound } from './errors.js';
import { limitBody, validate } from './json-body.js';
import { coded, inferenceOf } from './models-route.js';

const time = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO time or epoch milliseconds, got "${s}"` });
    return z.NEVER;
  }
  return ms;
});
const camera = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a camera id');
const listQuery = z.object({
  camera: camera.optional(),
  verdict: z.enum(['pass', 'reject']).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
});
const uploadQuery = z.object({ camera: camera.optional(), partId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected a part id of letters, digits, "_", ".", ":" or "-"').optional() });

/**
 * `GET /inspections` (newest first, with per-camera counters and confusion
 * counts where the truth is known), `GET /inspections/:id/image`,
 * `POST /inspections/images` (operator: a picture as the raw body or the
 * multipart field "image"), and `GET /inference/live` (detector scores).
 */
export function inspectionsRoute(deps: ApiDeps): Hono<ApiEnv> {
  const uploadLimit = (): number => Math.max(1024, ...(deps.inference?.live().cameras.map((c) => c.maxImageBytes) ?? [0])) + 65_536;
  return new Hono<ApiEnv>()
    .get('/inference/live', requireRole('viewer'), (c) => c.json(inferenceOf(deps).live()))
    .get('/inspections', requireRole('viewer'), async (c) => {
      const live = inferenceOf(deps).live();
      const q = validate(listQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      const filter: EventFilter = { kind: 'inspection', from: q.from ?? Date.now() - 3_600_000, limit: q.verdict ? 10_000 : q.limit };
      if (q.to !== undefined) filter.to = q.to;
      if (q.camera) filter.tag = `${q.camera}.defect_score`;
      const events = await deps.events(filter);
      const inspections = events
        .map((e) => ({ ...e.payload, ts: e.ts, eventId: e.id }) as Record<string, unknown>)
        .filter((i) => !q.verdict || i['verdict'] === q.verdict)
        .slice(0, q.limit)
        .map((i) => ({ ...i, imageUrl: typeof i['imageId'] === 'string' ? `/api/v1/inspections/${i['imageId']}/image` : null }));
      return c.json({ inspections, cameras: live.cameras.filter((cam) => !q.camera || cam.id === q.camera) });
    })
    .get('/inspections/:id/image', requireRole('viewer'), async (c) => {
      const id = c.req.param('id');
      if (!/^[a-z0-9][a-z0-9_-]{0,63}_\d+_\d+$/.test(id)) throw badRequest('QUERY_PARAMS_INVALID', `"${id}" is not an inspection image id`);
      const img = await inferenceOf(deps).image(id);
      if (!img) throw notFound('IMAGE_NOT_FOUND', `no kept image "${id}"; only the newest keepImages pictures per camera are kept`);
      return c.body(new Uint8Array(img.bytes), 200, { 'content-type': img.contentType, 'cache-control': 'private, max-age=86400' });
    })
    .post('/inspections/images', requireRole('operator'), (c, next) => limitBody(uploadLimit())(c, next), async (c) => {
      const inference = inferenceOf(deps);
      const q = validate(uploadQuery, c.req.query(), 'QUERY_PARAMS_INVALID', 'query string');
      const { bytes, fields } = await readImage(c);
      const cameras = inference.live().cameras;
      const id = q.camera ?? fields.camera ?? (cameras.length === 1 ? cameras[0]!.id : undefined);
      if (!id) throw badRequest('QUERY_PARAMS_INVALID', `name the camera (?camera=…); this node has ${cameras.map((x) => x.id).join(', ') || 'none'}`);
      const partId = validate(uploadQuery, { partId: q.partId ?? fields.partId ?? `upload-${Date.now()}` }, 'QUERY_PARAMS_INVALID', 'part id').partId!;
      return c.json((await coded(() => inference.inspect(id, { bytes, partId }))) as object, 201);
    });
}

async function readImage(c: Context<ApiEnv>): Promise<{ bytes: Uint8Array; fields: { camera?: string; partId?: string } }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    const file = form['image'];
    if (!(file instanceof File)) throw badRequest('BODY_INVALID', 'send the picture as the multipart field "image" (curl -F image=@part.png)');
    const str = (k: string): string | undefined => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const fields: { camera?: string; partId?: string } = {};
    const cam = str('camera');
    const part = str('partId');
    if (cam !== undefined) fields.camera = validate(camera, cam, 'BODY_INVALID', 'camera');
    if (part !== undefined) fields.partId = part;
    return { bytes: new Uint8Array(await file.arrayBuffer()), fields };
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) throw badRequest('BODY_INVALID', 'the request has no picture: send the PNG or JPEG as the body (content-type image/png) or as the multipart field "image"');
  return { bytes, fields: {} };
}
