import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps, TagWriteControl } from './deps.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { limitBody, readJson } from './json-body.js';
import { requireRole } from './route-policy.js';
import { qualityJson } from './sample-json.js';

const writeBody = z.object({ value: z.union([z.number().finite(), z.boolean(), z.string().max(1024)]) }).strict();

// Adapter errors and what they mean to a caller: not connected is temporary, a refused write is the device's answer.
const STATUS_OF: Record<string, number> = { OPCUA_NOT_CONNECTED: 503, OPCUA_WRITE_FAILED: 502, OPCUA_NOT_WRITABLE: 409, TAG_SOURCE_NOT_RUNNING: 503, TAG_SOURCE_CANNOT_WRITE: 409 };

/**
 * `POST /tags/:id/write {value}`: writes a setpoint or command to the device
 * and answers with the value read back. Only tags the site config marks
 * writable, only within the tag's engineering range; the audit trail records
 * who wrote what and what the device read back.
 */
export function tagWriteRoute(deps: ApiDeps): Hono<ApiEnv> {
  const writer = (): TagWriteControl => {
    if (!deps.writeTag) throw notFound('TAG_WRITE_UNAVAILABLE', 'this node does not write to devices');
    return deps.writeTag;
  };
  return new Hono<ApiEnv>().post('/tags/:id/write', requireRole('operator'), limitBody(deps.config.api.maxBodyBytes), async (c) => {
    const id = c.req.param('id');
    const index = deps.tags.index(id);
    const def = index === undefined ? undefined : deps.tags.get(index);
    if (index === undefined || !def) throw notFound('TAG_NOT_FOUND', `tag "${id}" is not defined on this node; list tags with GET /api/v1/tags`);
    const { value } = await readJson(c, writeBody);
    c.set('auditDetails', { tag: id, value });
    if (!def.writable) throw new ApiError(409, 'TAG_NOT_WRITABLE', `tag "${id}" is not writable; only tags marked "writable: true" in the site config can be written`);
    const fits = def.dataType === 'string' ? typeof value === 'string' : def.dataType === 'boolean' ? typeof value === 'boolean' || value === 0 || value === 1 : typeof value === 'number';
    if (!fits) throw badRequest('WRITE_WRONG_TYPE', `tag "${id}" is ${def.dataType}; ${JSON.stringify(value)} does not fit`);
    if (def.dataType === 'integer' && !Number.isInteger(value)) throw badRequest('WRITE_WRONG_TYPE', `tag "${id}" is an integer; ${value} is not`);
    if (typeof value === 'number' && ((def.low !== undefined && value < def.low) || (def.high !== undefined && value > def.high))) {
      throw badRequest('WRITE_OUT_OF_RANGE', `${value} is outside the range of "${id}" (${def.low ?? '−∞'} .. ${def.high ?? '∞'} ${def.unit})`);
    }
    let back;
    try {
      back = await writer().write(index, value);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && STATUS_OF[code]) throw new ApiError(STATUS_OF[code], code, (err as Error).message, { cause: err });
      throw err;
    }
    c.set('auditDetails', { tag: id, value, readBack: back.value, quality: back.quality });
    return c.json({ tag: id, written: value, readBack: { value: back.value, ts: new Date(back.ts).toISOString(), ...qualityJson(back.quality) } });
  });
}
