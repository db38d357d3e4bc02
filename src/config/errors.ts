import { FabrikError } from '../core/index.js';

export interface ConfigIssue {
  /** Dotted path into the document, e.g. "devices[0].tags[3].deadband.absolute". */
  path: string;
  message: string;
}

export class ConfigError extends FabrikError {
  readonly issues: ConfigIssue[];
  readonly file: string | undefined;
  constructor(issues: ConfigIssue[], file?: string, options?: { cause?: unknown }) {
    const where = file ? ` in ${file}` : '';
    const lines = issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`).join('\n');
    super('CONFIG_INVALID', `site config${where} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
    this.file = file;
  }
}
