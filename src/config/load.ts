import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { siteConfigSchema, type SiteConfig } from './schema.js';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function issuesOf(err: z.ZodError): ConfigIssue[] {
  return err.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Validates a parsed document; throws ConfigError naming every bad path. */
export function parseSiteConfig(doc: unknown, file?: string): SiteConfig {
  const res = siteConfigSchema.safeParse(doc);
  if (!res.success) throw new ConfigError(issuesOf(res.error), file);
  return res.data;
}

/** Parses YAML text (JSON is YAML too) and validates it. */
export function parseSiteConfigText(text: string, file?: string): SiteConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '', message: `YAML: ${e.message.split('\n')[0]}` })),
      file,
    );
  }
  return parseSiteConfig(doc.toJS({ maxAliasCount: 100 }), file);
}

export function loadSiteConfig(file: string): SiteConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([{ path: '', message: `cannot read the file: ${(cause as Error).message}` }], file, { cause });
  }
  return parseSiteConfigText(text, file);
}

/** JSON Schema (draft 2020-12) of the site config, for editors and Kubernetes values. */
export function siteConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(siteConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
