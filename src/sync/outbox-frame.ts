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

/** Where each intact frame of a segment lies (CRC checked, nothing parsed) and where the good part ends: anything after it is a torn tail. */
export function scanFrames(buf: Buffer): { spans: { start: number; end: number }[]; goodBytes: number } {
  const spans: { start: number; end: number }[] = [];
  let at = 0;
  while (at + FRAME_HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(at);
    const end = at + FRAME_HEADER_BYTES + len;
    if (len === 0 || end > buf.length) break;
    if (crc32(buf.subarray(at + FRAME_HEADER_BYTES, end)) !== buf.readUInt32LE(at + 4)) break;
    spans.push({ start: at, end });
    at = end;
  }
  return { spans, goodBytes: at };
}

/** Parses one frame found by `scanFrames`; null when its JSON is not a frame (then it and what follows count as torn). */
export function parseFrame(buf: Buffer, span: { start: number; end: number }): Frame | null {
  let parsed: { s: number; t: number; d: unknown[]; m?: unknown };
  try {
    parsed = JSON.parse(buf.subarray(span.start + FRAME_HEADER_BYTES, span.end).toString('utf8')) as typeof parsed;
  } catch {
    return null;
  }
  if (!Number.isInteger(parsed.s) || !Array.isArray(parsed.d)) return null;
  return { seq: parsed.s, at: parsed.t, items: parsed.d, ...(parsed.m !== undefined ? { mark: parsed.m } : {}), bytes: span.end - span.start };
}

/** The frames of a segment's bytes and where the good part ends. */
export function decodeFrames(buf: Buffer): { frames: Frame[]; goodBytes: number } {
  const { spans } = scanFrames(buf);
  const frames: Frame[] = [];
  for (const span of spans) {
    const frame = parseFrame(buf, span);
    if (!frame) return { frames, goodBytes: span.start };
    frames.push(frame);
  }
  return { frames, goodBytes: spans.at(-1)?.end ?? 0 };
}
