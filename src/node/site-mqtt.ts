import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import type { Logger } from 'pino';
import { brokerConnectOptions } from '../adapters/mqtt/index.js';
import { SparkplugOut, startEmbeddedBroker, UnsPublisher, type EmbeddedBroker, type MqttSiteConfig } from '../broker/index.js';
import { FabrikError, type Bus, type ComponentHealth, type TagRegistry } from '../core/index.js';
import { isLoopback, listenerTls, type TlsMaterial, type TlsMode } from '../security/index.js';

/** The node's own clients (the UNS publisher) log in to its broker with this user and a per-start secret. */
const NODE_USER = 'fabrik-node';

/** The node's MQTT parts: the embedded broker and the UNS publisher, each optional. */
export interface SiteMqtt {
  broker: EmbeddedBroker | undefined;
  uns: UnsPublisher | undefined;
  sparkplug: SparkplugOut | undefined;
  health(): Record<string, ComponentHealth>;
  close(): Promise<void>;
}

/**
 * Starts what `mqtt:` in the site config asks for. A port in use fails with
 * one line naming the port and the flag; UNS without a broker to publish to
 * is a config error.
 */
export async function startSiteMqtt(opts: {
  config: MqttSiteConfig;
  port?: number;
  tags: TagRegistry;
  bus: Bus;
  logger: Logger;
  /** Verifies API tokens presented as MQTT passwords (auth: token). */
  tokens: { verify(token: string): unknown };
  /** The site's TLS policy and the node's certificate: the broker follows them like every listener. */
  tlsMode: TlsMode;
  tlsMaterial: TlsMaterial | null;
}): Promise<SiteMqtt> {
  const { config, logger } = opts;
  const nodeSecret = randomBytes(24).toString('base64url');
  const isNodeSecret = (p: string): boolean => p.length === nodeSecret.length && timingSafeEqual(Buffer.from(p), Buffer.from(nodeSecret));
  let broker: EmbeddedBroker | undefined;
  const wantBroker = config.broker !== undefined || opts.port !== undefined;
  const startedAt = Date.now();
  if (wantBroker) {
    const host = config.broker?.host ?? '127.0.0.1';
    const port = opts.port ?? config.broker?.port ?? 1883;
    const auth = config.broker?.auth ?? 'token';
    if (config.broker?.tls === 'off' && !isLoopback(host)) {
      throw new FabrikError('MQTT_BAD_CONFIG', `mqtt.broker.tls: off is for loopback only, but the broker would listen on ${host}; use tls: site with the node's certificate (fabrik init)`);
    }
    const tls = config.broker?.tls === 'off' ? { tls: null, reason: 'mqtt.broker.tls is off (loopback lab)' } : listenerTls({ listener: 'MQTT broker', host, mode: opts.tlsMode, material: opts.tlsMaterial });
    try {
      broker = await startEmbeddedBroker({
        host,
        port,
        tls: tls.tls,
        ...(auth === 'token' ? { authenticate: (user, password) => password !== undefined && ((user === NODE_USER && isNodeSecret(password)) || opts.tokens.verify(password) !== null) } : {}),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new FabrikError('MQTT_PORT_IN_USE', `MQTT port ${port} on ${host} is already in use (another broker?); pick another with --mqtt-port <port> or mqtt.broker.port`, { cause: err });
      }
      throw err;
    }
    logger.info({ url: broker.url, auth, tls: tls.reason }, 'embedded MQTT broker listening');
  }
  /** How the node's own clients log in to its embedded broker. */
  const ownClient = (): IClientOptions => ({
    username: NODE_USER,
    password: nodeSecret,
    // Our own listener in this process: trust its CA, not its host name (the certificate may not list loopback).
    ...(broker?.tls ? { ca: opts.tlsMaterial?.ca ?? opts.tlsMaterial?.cert, checkServerIdentity: () => undefined } : {}),
  });
  /** Connect options of a publisher: the credentials it names for an outside broker, the node's own for the embedded one. */
  const clientFor = (target: NonNullable<MqttSiteConfig['uns'] | MqttSiteConfig['sparkplug']>, what: string): IClientOptions =>
    target.url ? connectOf(brokerConnectOptions({ url: target.url, mode: 'json', maxPayloadBytes: 1, qos: 0, ...pick(target, ['username', 'passwordFile', 'passwordEnv', 'tls']) }, what)) : ownClient();
  let uns: UnsPublisher | undefined;
  if (config.uns) {
    const url = config.uns.url ?? broker?.url;
    if (!url) {
      await broker?.close();
      throw new FabrikError('MQTT_BAD_CONFIG', 'mqtt.uns needs a broker: set mqtt.uns.url, or run the embedded one with mqtt.broker (or --mqtt-port)');
    }
    uns = new UnsPublisher({ config: config.uns, url, tags: opts.tags, bus: opts.bus, logger, connect: clientFor(config.uns, 'uns') });
  }
  let sparkplug: SparkplugOut | undefined;
  if (config.sparkplug) {
    const sp = config.sparkplug;
    const url = sp.url ?? broker?.url;
    if (!url) {
      await uns?.close();
      await broker?.close();
      throw new FabrikError('MQTT_BAD_CONFIG', 'mqtt.sparkplug needs a broker: set mqtt.sparkplug.url, or run the embedded one with mqtt.broker (or --mqtt-port)');
    }
    sparkplug = new SparkplugOut({ config: sp, url, tags: opts.tags, bus: opts.bus, connect: clientFor(sp, 'sparkplug') });
  }
  return {
    broker,
    uns,
    sparkplug,
    health() {
      const out: Record<string, ComponentHealth> = {};
      if (broker) out['mqtt-broker'] = { state: 'up', since: startedAt, details: { url: broker.url, clients: broker.clients() } };
      if (uns) out['uns'] = uns.health();
      if (sparkplug) out['sparkplug-out'] = sparkplug.health();
      return out;
    },
    async close() {
      await sparkplug?.close();
      await uns?.close();
      await broker?.close();
    },
  };
}

/** The keys of `o` that are set (exactOptionalPropertyTypes-friendly). */
function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The credential and TLS part of connect options (the client id and timings stay the publisher's). */
function connectOf(o: IClientOptions): IClientOptions {
  const out: IClientOptions = {};
  if (o.username !== undefined) out.username = o.username;
  if (o.password !== undefined) out.password = o.password;
  if (o.ca !== undefined) out.ca = o.ca;
  if (o.cert !== undefined) out.cert = o.cert;
  if (o.key !== undefined) out.key = o.key;
  if (o.rejectUnauthorized !== undefined) out.rejectUnauthorized = o.rejectUnauthorized;
  return out;
}
