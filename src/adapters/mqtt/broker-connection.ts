import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { MqttOptions } from '../../config/protocols/mqtt.js';
import { MqttError } from './errors.js';

/**
 * mqtt.js connect options from a device's options: the password from a file
 * or an environment variable (never from the config itself), TLS files read
 * once. Throws MQTT_BAD_CONFIG naming the file or variable that is missing.
 */
export function brokerConnectOptions(o: MqttOptions, device: string, env: NodeJS.ProcessEnv = process.env): IClientOptions {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new MqttError('MQTT_BAD_CONFIG', `mqtt device "${device}": cannot read ${what} "${file}": ${(err as Error).message}`, { cause: err });
    }
  };
  const out: IClientOptions = {
    clientId: o.clientId ?? `fabrik-${device}-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    keepalive: 30,
    protocolVersion: 4,
  };
  if (o.username !== undefined) out.username = o.username;
  if (o.passwordFile) out.password = read(o.passwordFile, 'passwordFile').toString('utf8').replace(/\r?\n$/, '');
  if (o.passwordEnv) {
    const v = env[o.passwordEnv];
    if (v === undefined) throw new MqttError('MQTT_BAD_CONFIG', `mqtt device "${device}": environment variable ${o.passwordEnv} (passwordEnv) is not set`);
    out.password = v;
  }
  if (o.tls) {
    if (o.tls.caFile) out.ca = read(o.tls.caFile, 'tls.caFile');
    if (o.tls.certFile) out.cert = read(o.tls.certFile, 'tls.certFile');
    if (o.tls.keyFile) out.key = read(o.tls.keyFile, 'tls.keyFile');
    out.rejectUnauthorized = o.tls.rejectUnauthorized;
  }
  return out;
}
