import { readFile } from 'node:fs/promises';
import { ConfigError, type SiteConfig } from '../config/index.js';
import { loadTrustedKeys, trustDir, type TrustedKey } from '../security/index.js';
import { verifyConfigText } from './config-rollout.js';
import { ConfigVersions, type AppliedVersion } from './config-versions.js';

/** The config a node starts with and where it came from. */
export interface StartupConfig {
  config: SiteConfig;
  applied: AppliedVersion | null;
  trusted: TrustedKey[];
  versions: ConfigVersions;
  /** What was decided, for the log. */
  note: string;
}

/**
 * Picks the config a node starts with: the given file, verified like any apply
 * (signed by a trusted key when the node enforces), unless the data dir already
 * runs a newer version (applied over the API or by a watch) — then that one,
 * since a node never goes back. Without a usable file it starts on the last
 * version it applied, so a broken mount does not stop a plant.
 */
export async function loadStartupConfig(opts: { dataDir: string; file?: string; enforce?: boolean; extraTrusted?: TrustedKey[] }): Promise<StartupConfig> {
  const versions = new ConfigVersions(opts.dataDir);
  const trusted = [...(await loadTrustedKeys(trustDir(opts.dataDir))), ...(opts.extraTrusted ?? [])];
  if (opts.enforce && trusted.length === 0) {
    throw new ConfigError([{ path: '', message: `--enforce-signed is set but no key is trusted; put the release public key in ${trustDir(opts.dataDir)}/ (fabrik init does)` }]);
  }
  const applied = await versions.applied();
  const lastGood = async (why: string): Promise<StartupConfig> => {
    const text = applied ? await versions.text(applied.version) : null;
    if (!applied || !text) throw new ConfigError([{ path: '', message: `${why}, and the data dir holds no applied config to fall back on` }], opts.file);
    const v = verifyConfigText(text, trusted, applied.version - 1);
    return { config: v.config, applied, trusted, versions, note: `${why}; starting on the last applied version ${applied.version}` };
  };
  if (!opts.file) return lastGood('no config file given');
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (err) {
    return lastGood(`cannot read ${opts.file} (${(err as Error).message})`);
  }
  const current = applied?.version ?? 0;
  let v;
  try {
    v = verifyConfigText(text, trusted, 0);
  } catch (err) {
    if (applied) return lastGood(`${opts.file} was refused (${(err as Error).message})`);
    throw err;
  }
  if (v.keyId === null) {
    // Unsigned is only possible when nothing is trusted: a lab node, where the file is the truth.
    return { config: v.config, applied: null, trusted, versions, note: `starting on unsigned config ${opts.file} (no keys trusted: signatures are not enforced)` };
  }
  if (applied && (v.sha256 === applied.sha256 || v.version <= current)) {
    if (v.sha256 === applied.sha256) return { config: v.config, applied, trusted, versions, note: `running config version ${applied.version} from ${opts.file}` };
    return lastGood(`${opts.file} holds version ${v.version}, older than the applied ${current}`);
  }
  const record: AppliedVersion = { version: v.version, sha256: v.sha256, keyId: v.keyId, signedAt: v.signedAt, appliedAt: Date.now(), appliedBy: 'startup', source: `file:${opts.file}` };
  await versions.stage(v.version, text);
  await versions.commit(record);
  return { config: v.config, applied: record, trusted, versions, note: `starting on signed config version ${v.version} from ${opts.file}` };
}
