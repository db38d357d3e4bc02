import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { errorMessage, InferenceError } from './errors.js';
import type { ConfiguredModel } from './inference-config.js';
import type { ModelHost } from './model-host.js';

/** The folder of Fabrik's own package.json: shipped models (models/…) resolve against it. */
export function fabrikRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && /"name"\s*:\s*"fabrik"/.test(readFileSync(pkg, 'utf8'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Absolute as given; else relative to the working directory if it exists there; else to the Fabrik install. */
export function resolveModelPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const local = path.resolve(file);
  return existsSync(local) ? local : path.join(fabrikRoot(), file);
}

/**
 * Registers the models the site config names. Idempotent: the same file
 * again is the version it already is. Its mode applies only to a new
 * version, or when the model has no active version yet, so a rollback made
 * through the API survives a restart with the same config.
 */
export async function registerConfiguredModels(host: ModelHost, models: readonly ConfiguredModel[]): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  for (const m of models) {
    try {
      const file = resolveModelPath(m.file);
      const bytes = await readFile(file).catch((cause: unknown) => {
        throw new InferenceError('MODEL_NOT_FOUND', `cannot read model file ${file}: ${errorMessage(cause)}`, { cause });
      });
      let manifest: unknown;
      if (m.manifest) {
        const mf = resolveModelPath(m.manifest);
        const text = await readFile(mf, 'utf8').catch((cause: unknown) => {
          throw new InferenceError('MODEL_MANIFEST_MISSING', `cannot read manifest ${mf}: ${errorMessage(cause)}`, { cause });
        });
        manifest = parseYaml(text) as unknown;
      }
      const existing = host.records();
      const result = await host.register({ bytes, ...(manifest !== undefined ? { manifest } : {}), ...(m.sha256 ? { sha256: m.sha256 } : {}), source: 'config' }, 'staged', 'config');
      const rec = host.records().find((r) => r.name === result.name)!;
      const wasKnown = existing.some((r) => r.name === result.name && r.versions.some((v) => v.version === result.version));
      if (!wasKnown || (m.mode === 'active' && !rec.active) || (m.mode === 'shadow' && !rec.shadow && rec.active !== result.version)) {
        if (m.mode === 'active') await host.activate(result.name, result.version, 'config');
        else await host.setShadow(result.name, result.version, 'config');
      }
    } catch (err) {
      errors[m.file] = errorMessage(err);
    }
  }
  return errors;
}
