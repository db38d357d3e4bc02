import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { STREAMS, type Stream } from './wire.js';

/** Why items left the outbox without reaching the hub. */
export interface DropCounts {
  /** The disk cap was reached. */
  cap: number;
  /** They were older than the stream's TTL. */
  ttl: number;
}

/** What the outbox keeps besides the items: per stream, how far the hub acknowledged and what was dropped. */
export interface StreamState {
  ackedThrough: number;
  droppedThrough: number;
  drops: DropCounts;
  /** The producer's resume point and the sequence it was set after. */
  mark: unknown;
  markSeq: number;
}

export interface OutboxState {
  epoch: string;
  streams: Record<Stream, StreamState>;
}

const FILE = 'state.json';

export function emptyStreamState(): StreamState {
  return { ackedThrough: 0, droppedThrough: 0, drops: { cap: 0, ttl: 0 }, mark: null, markSeq: 0 };
}

/** Reads `state.json`, or a new state with a fresh epoch when there is none. */
export async function readOutboxState(dir: string): Promise<OutboxState> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { epoch: randomBytes(12).toString('base64url'), streams: Object.fromEntries(STREAMS.map((s) => [s, emptyStreamState()])) as Record<Stream, StreamState> };
  }
  const parsed = JSON.parse(text) as OutboxState;
  for (const s of STREAMS) parsed.streams[s] = { ...emptyStreamState(), ...parsed.streams[s] };
  return parsed;
}

/** Replaces `state.json` atomically: write a temporary file, fsync it, rename over, fsync the folder. */
export async function writeOutboxState(dir: string, state: OutboxState): Promise<void> {
  const tmp = join(dir, `${FILE}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(state));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, FILE));
  await syncDir(dir);
}

/** Makes a created, renamed or removed file's directory entry durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
