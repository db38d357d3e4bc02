import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Structured JSON logs; human-readable when writing to a terminal (or FABRIK_LOG_PRETTY=1). */
export function createLogger(opts: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const level = opts.level ?? process.env['FABRIK_LOG_LEVEL'] ?? 'info';
  const wantPretty = opts.pretty ?? (process.env['FABRIK_LOG_PRETTY'] === '1' || (process.stdout.isTTY && process.env['FABRIK_LOG_PRETTY'] !== '0'));
  const base = { level, name: opts.name ?? 'fabrik', redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'password'], censor: '[redacted]' } };
  if (!wantPretty) return pino(base);
  return pino(base, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true }));
}
