import { Hono, type Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps } from './deps.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { inferenceStatus, type InferenceControl, type ModelUploadRequest } from './inference-control.js';
import { limitBody, readJson, validate } from './json-body.js';

const modeSchema = z.enum(['active', 'shadow', 'staged']).default('active');
const sha = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the SHA-256 as 64 hex digits');
const jsonUpload = z
  .object({
    model: z.string().min(1).describe('The .onnx file, base64'),
    manifest: z.unknown().optional(),
    sha256: sha.optional(),
    mode: modeSchema,
  })
  .strict();
const versionBody = z.object({ version: z.string().regex(/^v\d+$/, 'expected a version like "v3"') }).strict();
const shadowBody = z.object({ version: z.string().regex(/^v\d+$/, 'expected a version like "v3"').nullable() }).strict();

/** The inference control, or a 404 saying how to get one. */
export function inferenceOf(deps: ApiDeps): InferenceControl {
  if (!deps.inference) throw notFound('INFERENCE_NOT_RUNNING', 'this node runs no inference; add an "inference:" section to the site config');
  return deps.inference;
}

/** Runs an inference call, turning its coded errors into API errors with the right status. */
export async function coded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && !(err instanceof ApiError)) throw new ApiError(inferenceStatus(code), code, (err as Error).message, { cause: err });
    throw err;
  }
}

/**
 * `GET /models`, `GET /models/:name`, `POST /models` (register a version:
 * multipart "model" + "manifest", or JSON with the model in base64),
 * `POST /models/:name/activate|shadow|rollback`. Changes need the engineer role.
 */
export function modelsRoute(deps: ApiDeps): Hono<ApiEnv> {
  const actor = (c: Context<ApiEnv>): string => {
    const id = c.get('identity');
    return `${id.name} (${id.id})`;
  };
  // base64 is 4/3 of the bytes; the manifest and multipart framing fit in the extra megabyte.
  const uploadLimit = (): number => Math.ceil((deps.inference?.maxModelBytes ?? 0) * 1.37) + 1_048_576;
  return new Hono<ApiEnv>()
    .get('/models', requireRole('viewer'), (c) => c.json({ models: inferenceOf(deps).models() }))
    .get('/models/:name', requireRole('viewer'), (c) => {
      const m = inferenceOf(deps).model(c.req.param('name'));
      if (!m) throw notFound('MODEL_NOT_FOUND', `no model "${c.req.param('name')}"; list them with GET /api/v1/models`);
      return c.json(m);
    })
    .post('/models', requireRole('engineer'), (c, next) => limitBody(uploadLimit())(c, next), async (c) => {
      const inference = inferenceOf(deps);
      const upload = await readUpload(c);
      const result = await coded(() => inference.register(upload, actor(c)));
      return c.json(result as object, (result as { created?: boolean }).created === false ? 200 : 201);
    })
    .post('/models/:name/activate', requireRole('engineer'), limitBody(4096), async (c) => {
      const { version } = await readJson(c, versionBody);
      return c.json((await coded(() => inferenceOf(deps).activate(c.req.param('name'), version, actor(c)))) as object);
    })
    .post('/models/:name/shadow', requireRole('engineer'), limitBody(4096), async (c) => {
      const { version } = await readJson(c, shadowBody);
      return c.json((await coded(() => inferenceOf(deps).shadow(c.req.param('name'), version, actor(c)))) as object);
    })
    .post('/models/:name/rollback', requireRole('engineer'), async (c) => c.json((await coded(() => inferenceOf(deps).rollback(c.req.param('name'), actor(c)))) as object));
}

async function readUpload(c: Context<ApiEnv>): Promise<ModelUploadRequest> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    const file = form['model'];
    if (!(file instanceof File)) throw badRequest('BODY_INVALID', 'send the .onnx file as the multipart field "model" (curl -F model=@model.onnx -F manifest=@model.manifest.json)');
    const manifestField = form['manifest'];
    const manifestText = manifestField instanceof File ? await manifestField.text() : typeof manifestField === 'string' ? manifestField : undefined;
    const fields = validate(z.object({ sha256: sha.optional(), mode: modeSchema }), { sha256: form['sha256'], mode: form['mode'] }, 'BODY_INVALID', 'form fields');
    return {
      bytes: new Uint8Array(await file.arrayBuffer()),
      ...(manifestText !== undefined ? { manifest: parseManifestText(manifestText) } : {}),
      ...(fields.sha256 ? { sha256: fields.sha256 } : {}),
      mode: fields.mode,
    };
  }
  const body = await readJson(c, jsonUpload);
  const bytes = Buffer.from(body.model, 'base64');
  if (bytes.length === 0) throw badRequest('BODY_INVALID', '"model" must be the .onnx file in base64');
  return { bytes: new Uint8Array(bytes), ...(body.manifest !== undefined ? { manifest: body.manifest } : {}), ...(body.sha256 ? { sha256: body.sha256 } : {}), mode: body.mode };
}

function parseManifestText(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw badRequest('MODEL_MANIFEST_INVALID', `the manifest is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
