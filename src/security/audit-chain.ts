import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** One audited action. */
export interface AuditEntry {
  /** 1, 2, 3… without gaps. */
  seq: number;
  /** Epoch ms. */
  ts: number;
  /** Token id, user name or "system". */
  actor: string;
  /** Dotted verb, e.g. "auth.login", "http.post", "config.applied", "alarm.acknowledged". */
  action: string;
  /** What it was done to: a route, an alarm id, a config version. */
  target?: string;
  outcome: 'ok' | 'denied' | 'failed';
  details?: Record<string, unknown>;
  /** Hash of the previous entry (GENESIS for the first). */
  prev: string;
  /** SHA-256 over this entry without `hash`, in canonical JSON. */
  hash: string;
}

/** The signed pointer to the newest entry: deleting entries from the end no longer goes unnoticed. */
export interface AuditHead {
  seq: number;
  hash: string;
  ts: number;
  /** Ed25519 over `headMessage(seq, hash)` with the node's audit key, base64. */
  sig: string;
}

export const GENESIS = '0'.repeat(64);

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

export function headMessage(seq: number, hash: string): Buffer {
  return Buffer.from(`fabrik-audit-head/1|${seq}|${hash}`, 'utf8');
}

/** A problem `verifyAuditChain` found. */
export interface AuditProblem {
  /** 1-based line in the log file. */
  line?: number;
  seq?: number;
  problem: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  lastSeq: number;
  lastHash: string;
  problems: AuditProblem[];
}

/**
 * Checks a log's text: every line parses, seqs run without gaps, each entry's
 * `prev` is the hash of the one before and its own hash is right, and the head
 * (when given) names the last entry and carries a valid signature.
 */
export function verifyAuditChain(text: string, head: AuditHead | null, publicKey: KeyObject | string | null): AuditVerification {
  const problems: AuditProblem[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = GENESIS;
  let lastSeq = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    let e: AuditEntry;
    try {
      e = JSON.parse(raw) as AuditEntry;
    } catch {
      problems.push({ line, problem: 'line is not valid JSON (edited or torn)' });
      return;
    }
    const { hash, ...rest } = e;
    if (e.seq !== lastSeq + 1) problems.push({ line, seq: e.seq, problem: `expected entry ${lastSeq + 1}, found ${e.seq} (entries deleted or reordered)` });
    if (e.prev !== prev) problems.push({ line, seq: e.seq, problem: 'prev does not match the hash of the entry before (an entry before it was edited or deleted)' });
    if (entryHash(rest) !== hash) problems.push({ line, seq: e.seq, problem: 'hash does not match the content (this entry was edited)' });
    prev = typeof hash === 'string' ? hash : '';
    lastSeq = typeof e.seq === 'number' ? e.seq : lastSeq + 1;
  });
  if (head === null) {
    problems.push({ problem: 'the head anchor (audit.head) is missing: entries at the end could have been deleted' });
  } else {
    if (head.seq !== lastSeq || head.hash !== prev) {
      problems.push({
        problem:
          head.seq > lastSeq
            ? `the head anchor names entry ${head.seq}, but the log ends at ${lastSeq} (entries at the end were deleted)`
            : `the log goes on past the anchored head (entry ${head.seq}); entries after it are not anchored`,
      });
    }
    if (!publicKey) problems.push({ problem: 'no audit public key to check the head signature with' });
    else if (!headSignatureValid(head, publicKey)) problems.push({ problem: 'the head anchor signature does not verify (audit.head was forged or the key replaced)' });
  }
  return { ok: problems.length === 0, entries: lines.length, lastSeq, lastHash: prev, problems };
}

export function headSignatureValid(head: AuditHead, publicKey: KeyObject | string): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verifySignature(null, headMessage(head.seq, head.hash), key, Buffer.from(head.sig, 'base64'));
  } catch {
    return false;
  }
}
