import { Option } from 'commander';

/** Shared flags; every one has an environment-variable twin. */
export const dataDirOption = () =>
  new Option('--data-dir <dir>', 'where the node keeps its store, archive and secrets').env('FABRIK_DATA_DIR');

export const httpPortOption = (fallback: number) =>
  new Option('--http-port <port>', 'HTTP/WebSocket API port (0 picks a free one)')
    .env('FABRIK_HTTP_PORT')
    .default(String(fallback))
    .argParser(parsePort);

export const hostOption = () =>
  new Option('--host <address>', 'address the API listens on').env('FABRIK_HOST').default('127.0.0.1');

export const urlOption = () =>
  new Option('--url <url>', 'base URL of a running node').env('FABRIK_URL').default('http://127.0.0.1:8080');

export const tokenOption = () =>
  new Option('--token <token>', 'API token (default: <data-dir>/secrets/admin.token when readable)').env('FABRIK_TOKEN');

export const webRootOption = () =>
  new Option('--web-root <dir>', 'folder of the dashboard served at / (default: the built dist/web of this installation)').env('FABRIK_WEB_ROOT');

export const logLevelOption = () =>
  new Option('--log-level <level>', 'log level').env('FABRIK_LOG_LEVEL').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info');

export function parsePort(value: string): string {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${value}" is not a port number (0-65535)`);
  return value;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`"${value}" is not a positive whole number`);
  return n;
}

export const pgPortOption = () =>
  new Option('--pg-port <port>', 'PostgreSQL wire port of the data fabric (psql, Grafana, BI tools; 0 picks a free one; default: fabric.pg.port, else off)')
    .env('FABRIK_PG_PORT')
    .argParser(parsePort);

export const mqttPortOption = () =>
  new Option('--mqtt-port <port>', 'port of the embedded MQTT broker; turns it on (0 picks a free one; default: mqtt.broker.port)')
    .env('FABRIK_MQTT_PORT')
    .argParser(parsePort);
