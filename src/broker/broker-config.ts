import { z } from 'zod';
import { mqttTlsSchema } from '../config/protocols/mqtt.js';

/**
 * `mqtt:` in the site config: the node's own MQTT broker and what it
 * publishes to the site's unified namespace (UNS).
 */
export const mqttSiteSchema = z
  .object({
    broker: z
      .object({
        host: z.string().default('127.0.0.1').describe('Address the embedded broker listens on; 0.0.0.0 for devices on the plant network.'),
        port: z.number().int().min(0).max(65535).default(1883).describe('MQTT port (0 picks a free one); `--mqtt-port` overrides it.'),
        auth: z
          .enum(['token', 'none'])
          .default('token')
          .describe('token: clients log in with an API token as password (any user name); none: anyone who reaches the port may connect (a lab on loopback).'),
        tls: z
          .enum(['site', 'off'])
          .default('site')
          .describe('site: TLS as security.tls says for every listener; off: plain MQTT, accepted on loopback only.'),
      })
      .strict()
      .optional()
      .describe('Run an embedded MQTT broker (aedes) in the node, so devices and other apps have a broker without installing one.'),
    uns: z
      .object({
        url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/).optional().describe('Broker to publish to; default the embedded broker.'),
        username: z.string().optional().describe('For `url`: user name at that broker.'),
        passwordFile: z.string().min(1).optional().describe('For `url`: file holding the password (never put a password in the config).'),
        passwordEnv: z.string().min(1).optional().describe('For `url`: environment variable holding the password.'),
        tls: mqttTlsSchema.optional().describe('For an mqtts:// `url`: CA, client certificate and key files.'),
        prefix: z.string().regex(/^[^#+]*$/, 'no wildcards in a topic prefix').default('').describe('Topic prefix before the asset path, e.g. "uns/".'),
        samples: z.boolean().default(true).describe('Publish each stored sample to <prefix><asset path>/<point>.'),
        events: z.boolean().default(true).describe('Publish each event to <prefix><asset path>/events/<kind>.'),
        retain: z.boolean().default(true).describe('Retain the latest value per topic, so a new subscriber sees the current state at once.'),
        qos: z.union([z.literal(0), z.literal(1)]).default(0),
      })
      .strict()
      .optional()
      .describe('Publish contextualised tag values and events to the unified namespace (topic = asset path).'),
    sparkplug: z
      .object({
        url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/).optional().describe('Broker of the SCADA host; default the embedded broker.'),
        groupId: z.string().regex(/^[^/+#]+$/, 'a Sparkplug group id has no "/", "+" or "#"'),
        edgeNodeId: z.string().regex(/^[^/+#]+$/, 'a Sparkplug edge node id has no "/", "+" or "#"'),
        tags: z.array(z.string().min(1)).min(1).default(['*']).describe('Tag ids or globs ("line1.*") to publish; default every tag.'),
        username: z.string().optional(),
        passwordFile: z.string().min(1).optional(),
        passwordEnv: z.string().min(1).optional(),
        tls: mqttTlsSchema.optional(),
      })
      .strict()
      .optional()
      .describe('Act as a Sparkplug B edge node: NBIRTH with every published tag (metric name = asset path/point, alias), NDATA by exception, NDEATH as will, rebirth on NCMD.'),
  })
  .strict();

export type MqttSiteConfig = z.output<typeof mqttSiteSchema>;
