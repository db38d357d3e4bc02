import { crc32 } from 'node:zlib';

/**
 * One append on disk: `[length u32][crc32 u32][JSON]`. A frame holds every item
 * of one `append` call, so a torn write loses the whole call and never half of
 * it; the CRC tells a torn or rotten tail from a good frame.
 */
export interface Frame {
  /** Sequence of the first item; the others follow without gaps. */
  seq: number;
  /** Epoch ms of the append. */
  at: number;
  items: unknown[];
  /** The producer's resume point after this frame (e.g. the last rollup minute taken). */
  mark?: unknown;
  /** Size on disk, header included (set when decoded). */
  bytes?: number;
}

export const FRAME_HEADER_BYTES = 8;

export function encodeFrame(frame: Frame): Buffer {
  const body = Buffer.from(JSON.stringify({ s: frame.seq, t: frame.at, d: frame.items, ...(frame.mark !== undefined ? { m: frame.mark } : {}) }), 'utf8');
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, FRAME_HEADER_BYTES);
  return out;
}

/** The frames of a segment's bytes and where the good part ends (anything after it is a torn tail). */
export function decodeFrames(buf: Buffer): { frames: Frame[]; goodBytes: number } {
  const frames: Frame[] = [];
  let at = 0;
  while (at + FRAME_HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(at);
    const end = at + FRAME_HEADER_BYTES + len;
    if (len === 0 || end > buf.length) break;
    const body = buf.subarray(at + FRAME_HEADER_BYTES, end);
    if (crc32(body) !== buf.readUInt32LE(at + 4)) break;
    let parsed: { s: number; t: number; d: unknown[]; m?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      break;
    }
    if (!Number.isInteger(parsed.s) || !Array.isArray(parsed.d)) break;
    frames.push({ seq: parsed.s, at: parsed.t, items: parsed.d, ...(parsed.m !== undefined ? { mark: parsed.m } : {}), bytes: end - at });
    at = end;
  }
  return { frames, goodBytes: at };
}
