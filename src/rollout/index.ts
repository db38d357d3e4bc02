export { ConfigRollout, verifyConfigText, type Reconfigurable, type ReconfigureOutcome, type VerifiedConfig, type ConfigRolloutOptions } from './config-rollout.js';
export { ConfigVersions, type AppliedVersion, type VersionEvent } from './config-versions.js';
export { watchConfigFile, type ConfigWatch } from './config-watcher.js';
export { loadStartupConfig, type StartupConfig } from './startup-config.js';
export { RolloutError, RolloutErrorCode } from './errors.js';
