import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Fields never written to a log, at the top level and one level down (pino's
 * redaction is by path): credentials, keys and anything that carries them.
 */
export const REDACTED = ['token', 'password', 'authorization', 'cookie', 'secret', 'privateKey', 'keyPem', 'passwordFile', 'adminPassword', 'signature', 'key'].flatMap((k) => [
  k,
  `*.${k}`,
  `headers.${k}`,
  `req.headers.${k}`,
]);

/** Structured JSON logs; human-readable when writing to a terminal (or FABRIK_LOG_PRETTY=1). */
export function createLogger(opts: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const level = opts.level ?? process.env['FABRIK_LOG_LEVEL'] ?? 'info';
  const wantPretty = opts.pretty ?? (process.env['FABRIK_LOG_PRETTY'] === '1' || (process.stdout.isTTY && process.env['FABRIK_LOG_PRETTY'] !== '0'));
  const base = { level, name: opts.name ?? 'fabrik', redact: { paths: REDACTED, censor: '[redacted]' } };
  if (!wantPretty) return pino(base);
  return pino(base, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true }));
}
