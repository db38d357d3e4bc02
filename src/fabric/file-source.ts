import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FabricError } from './errors.js';
import type { FileSourceConfig } from './fabric-config.js';
import { quoteIdent, sqlString } from './temp-table.js';

/** The absolute folder of a file source: relative paths live under <data-dir>/files. */
export function fileSourceFolder(source: FileSourceConfig, dataDir: string): string {
  return path.resolve(path.join(dataDir, 'files'), source.folder);
}

const READERS = { parquet: 'read_parquet', csv: 'read_csv', json: 'read_json' } as const;

/**
 * A folder of Parquet/CSV/JSON files exposed as a view of that name. The
 * folder is one of the store's allowed directories, so reading it needs no
 * new file access; every other path stays closed.
 */
export class FileSource {
  readonly name: string;
  readonly kind = 'files';
  readonly folder: string;
  readonly #config: FileSourceConfig;

  constructor(config: FileSourceConfig, dataDir: string) {
    this.name = config.name;
    this.#config = config;
    this.folder = fileSourceFolder(config, dataDir);
  }

  get pattern(): string {
    return this.#config.pattern ?? `*.${this.#config.format}`;
  }

  /** Registers the temporary view on a query's connection. */
  async register(conn: DuckDBConnection): Promise<void> {
    if (!fs.existsSync(this.folder)) {
      throw new FabricError('FABRIC_SOURCE_UNAVAILABLE', `virtual source "${this.name}": folder ${this.folder} does not exist; create it or fix fabric.sources in the site config`);
    }
    if (!this.#hasFiles()) {
      throw new FabricError('FABRIC_SOURCE_UNAVAILABLE', `virtual source "${this.name}": no files match ${this.pattern} in ${this.folder} yet`);
    }
    const glob = path.join(this.folder, this.pattern);
    const reader = READERS[this.#config.format];
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(this.name)} AS SELECT * FROM ${reader}(${sqlString(glob)}, union_by_name = true)`);
  }

  describe(): { name: string; kind: string; folder: string; pattern: string; format: string; description: string } {
    return { name: this.name, kind: this.kind, folder: this.folder, pattern: this.pattern, format: this.#config.format, description: this.#config.description };
  }

  #hasFiles(): boolean {
    const deep = this.pattern.startsWith('**/');
    const re = globRegex(deep ? this.pattern.slice(3) : this.pattern);
    const list = fs.readdirSync(this.folder, { recursive: deep, withFileTypes: true });
    return list.some((e) => e.isFile() && re.test(e.name));
  }
}

function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}
