import { readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFrame, scanFrames } from './outbox-frame.js';
import type { StreamState } from './outbox-state.js';

/** One segment file of a stream: which sequences it holds and when they were appended. */
export interface Segment {
  path: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  oldestAt: number;
  newestAt: number;
}

/**
 * Rebuilds a stream's segments after a restart or a crash: cuts a torn tail,
 * removes empty files, and takes the newest producer mark. Every frame's CRC
 * is checked, but only each segment's first and last frames are parsed, so a
 * gigabyte of backlog opens without parsing a gigabyte of JSON.
 */
export async function recoverSegments(dir: string, names: readonly string[], state: StreamState): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const buf = await readFile(path);
    const { spans } = scanFrames(buf);
    let first = spans.length > 0 ? parseFrame(buf, spans[0]!) : null;
    let last = spans.length > 0 ? parseFrame(buf, spans.at(-1)!) : null;
    let good = spans.at(-1)?.end ?? 0;
    // A last frame whose CRC holds but whose JSON does not: cut it as torn and look at the one before.
    while (spans.length > 0 && !last) {
      spans.pop();
      good = spans.at(-1)?.end ?? 0;
      last = spans.length > 0 ? parseFrame(buf, spans.at(-1)!) : null;
      if (spans.length <= 1) first = last;
    }
    if (good < buf.length) await truncate(path, good);
    if (!first || !last) {
      await unlink(path);
      continue;
    }
    const lastSeq = last.seq + last.items.length - 1;
    segments.push({ path, firstSeq: first.seq, lastSeq, bytes: good, oldestAt: first.at, newestAt: last.at });
    if (last.mark !== undefined && lastSeq > state.markSeq) Object.assign(state, { mark: last.mark, markSeq: lastSeq });
  }
  return segments;
}
