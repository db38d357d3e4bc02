import { AttributeIds, DataType, type ClientSession } from 'node-opcua';
import type { WriteResult } from '../../core/index.js';
import { OpcuaError } from './errors.js';
import type { MonitoredTag } from './monitoring-plan.js';
import { statusToQuality } from './status-quality.js';
import { decodeValue, defaultDataType, encodeValue } from './value-coding.js';

/**
 * Writes `value` to the tag's variable in the server's own data type, then
 * reads it back: the answer is what the device holds, not what was sent.
 */
export async function writeTag(session: ClientSession, tag: MonitoredTag, value: number | boolean | string): Promise<WriteResult> {
  const dataType = await serverDataType(session, tag);
  const variant = encodeValue(dataType, value);
  if (typeof variant === 'string') throw new OpcuaError('OPCUA_WRITE_FAILED', `cannot write ${JSON.stringify(value)} to ${tag.id}: ${variant}`);
  let status;
  try {
    status = await session.write({ nodeId: tag.nodeId, attributeId: AttributeIds.Value, value: { value: variant } });
  } catch (cause) {
    throw new OpcuaError('OPCUA_WRITE_FAILED', `writing ${tag.id} (${tag.nodeId}) failed: ${(cause as Error).message}`, { cause });
  }
  if (!status.isGood()) throw new OpcuaError('OPCUA_WRITE_FAILED', `the server refused the write of ${tag.id} (${tag.nodeId}): ${status.name}`);
  const back = await session.read({ nodeId: tag.nodeId, attributeId: AttributeIds.Value });
  const decoded = decodeValue(tag.type, back.value.value);
  const readValue = decoded.kind === 'text' ? decoded.value : decoded.kind === 'number' ? (tag.type === 'boolean' ? decoded.value !== 0 : decoded.value) : String(back.value.value);
  return { value: readValue, quality: statusToQuality(back.statusCode.value), ts: back.sourceTimestamp?.getTime() ?? Date.now() };
}

/** The built-in type of the variable; the tag's type decides when the server uses a subtype. */
async function serverDataType(session: ClientSession, tag: MonitoredTag): Promise<DataType> {
  const dv = await session.read({ nodeId: tag.nodeId, attributeId: AttributeIds.DataType });
  const id = dv.value.value as { namespace?: number; value?: unknown } | null;
  if (dv.statusCode.isGood() && id && id.namespace === 0 && typeof id.value === 'number' && id.value >= 1 && id.value <= 25) return id.value as DataType;
  return defaultDataType(tag.type);
}
