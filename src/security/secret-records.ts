import { readFile } from 'node:fs/promises';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { writeSecretFile } from './secret-file.js';

/**
 * A secrets file holding one list of records, `{ "version": 1, "<key>": [...] }`
 * (tokens, users), read whole at start and written whole, atomically, on change.
 */
export interface SecretRecordsFile {
  file: string;
  /** The document's list key, e.g. "tokens". */
  key: string;
  /** What the file is, for messages: "token file". */
  what: string;
  /** What to do when it is unreadable, for messages. */
  remedy: string;
}

/**
 * Hands every record to `each` (which throws an Error naming a bad record);
 * does nothing when the file does not exist yet. Anything unreadable or
 * malformed is STORE_CORRUPT, naming the file and the remedy.
 */
export async function loadSecretRecords(f: SecretRecordsFile, each: (record: unknown) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(f.file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SecurityError(SecurityErrorCode.StoreCorrupt, `cannot read ${f.file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const list = (JSON.parse(text) as Record<string, unknown>)[f.key];
    if (!Array.isArray(list)) throw new Error(`expected { "${f.key}": [...] }`);
    for (const record of list) each(record);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.StoreCorrupt, `${f.file} is not a valid ${f.what} (${(err as Error).message}); ${f.remedy}`, { cause: err });
  }
}

/** Writes the whole list (0600, atomically); a failure is STORE_WRITE_FAILED. */
export async function saveSecretRecords(f: SecretRecordsFile, records: readonly unknown[]): Promise<void> {
  try {
    await writeSecretFile(f.file, `${JSON.stringify({ version: 1, [f.key]: records }, null, 2)}\n`);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.StoreWriteFailed, `cannot write ${f.file}: ${(err as Error).message}`, { cause: err });
  }
}
