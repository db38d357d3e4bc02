import { format } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua';
import type { OpcuaLogger } from './fault-counter.js';

/**
 * Sends node-opcua's own console output into the node's log: its warnings
 * (certificate dumps, retries) at debug level, its errors as warnings. The
 * adapter logs what matters to an operator itself, once per cause. The
 * setting is process-wide, as node-opcua's loggers are.
 */
export function routeLibraryLogs(logger: OpcuaLogger & { debug?(obj: object, msg?: string): void }): void {
  const debug = logger.debug?.bind(logger) ?? (() => {});
  setWarningLogger((...args: unknown[]) => debug({ library: 'node-opcua' }, format(...args)));
  setErrorLogger((...args: unknown[]) => logger.warn({ library: 'node-opcua' }, format(...args)));
}
