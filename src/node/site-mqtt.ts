import type { Logger } from 'pino';
import { startEmbeddedBroker, UnsPublisher, type EmbeddedBroker, type MqttSiteConfig } from '../broker/index.js';
import { FabrikError, type Bus, type ComponentHealth, type TagRegistry } from '../core/index.js';

/** The node's MQTT parts: the embedded broker and the UNS publisher, each optional. */
export interface SiteMqtt {
  broker: EmbeddedBroker | undefined;
  uns: UnsPublisher | undefined;
  health(): Record<string, ComponentHealth>;
  close(): Promise<void>;
}

/**
 * Starts what `mqtt:` in the site config asks for. A port in use fails with
 * one line naming the port and the flag; UNS without a broker to publish to
 * is a config error.
 */
export async function startSiteMqtt(opts: { config: MqttSiteConfig; port?: number; tags: TagRegistry; bus: Bus; logger: Logger }): Promise<SiteMqtt> {
  const { config, logger } = opts;
  let broker: EmbeddedBroker | undefined;
  const wantBroker = config.broker !== undefined || opts.port !== undefined;
  const startedAt = Date.now();
  if (wantBroker) {
    const host = config.broker?.host ?? '127.0.0.1';
    const port = opts.port ?? config.broker?.port ?? 1883;
    try {
      broker = await startEmbeddedBroker({ host, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new FabrikError('MQTT_PORT_IN_USE', `MQTT port ${port} on ${host} is already in use (another broker?); pick another with --mqtt-port <port> or mqtt.broker.port`, { cause: err });
      }
      throw err;
    }
    logger.info({ url: broker.url }, 'embedded MQTT broker listening');
  }
  let uns: UnsPublisher | undefined;
  if (config.uns) {
    const url = config.uns.url ?? broker?.url;
    if (!url) {
      await broker?.close();
      throw new FabrikError('MQTT_BAD_CONFIG', 'mqtt.uns needs a broker: set mqtt.uns.url, or run the embedded one with mqtt.broker (or --mqtt-port)');
    }
    uns = new UnsPublisher({ config: config.uns, url, tags: opts.tags, bus: opts.bus, logger });
  }
  return {
    broker,
    uns,
    health() {
      const out: Record<string, ComponentHealth> = {};
      if (broker) out['mqtt-broker'] = { state: 'up', since: startedAt, details: { url: broker.url, clients: broker.clients() } };
      if (uns) out['uns'] = uns.health();
      return out;
    },
    async close() {
      await uns?.close();
      await broker?.close();
    },
  };
}
