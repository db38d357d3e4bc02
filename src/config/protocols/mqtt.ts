import { z } from 'zod';
import { deviceBase, tagBindingSchema } from '../tag-binding.js';

export const mqttTlsSchema = z
  .object({
    caFile: z.string().min(1).optional().describe('PEM file of the CA that signed the broker certificate.'),
    certFile: z.string().min(1).optional().describe('Client certificate (PEM) for mutual TLS.'),
    keyFile: z.string().min(1).optional().describe('Private key (PEM) of the client certificate.'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse brokers whose certificate does not verify. Turn off only on a lab bench.'),
  })
  .strict();

export const mqttSparkplugSchema = z
  .object({
    groupId: z.string().regex(/^[^/+#]+$/, 'a Sparkplug group id has no "/", "+" or "#"'),
    edgeNodeId: z.string().regex(/^[^/+#]+$/).optional().describe('Only this edge node (default: every node of the group).'),
    deviceId: z.string().regex(/^[^/+#]+$/).optional().describe('Only this device of the edge node (node metrics still arrive).'),
    rebirthHoldOff: z.number().int().nonnegative().default(5000).describe('Minimum ms between two rebirth requests to the same edge node.'),
    hostId: z
      .string()
      .regex(/^[^/+#]+$/)
      .optional()
      .describe('Sparkplug 3.0 primary host id: Fabrik publishes spBv1.0/STATE/<hostId> online (retained) and offline as its will, so edge nodes that wait for their primary host publish.'),
  })
  .strict();

export const mqttOptionsSchema = z
  .object({
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'expected a broker url like "mqtt://host:1883", "mqtts://host:8883" or "ws://host/mqtt"'),
    clientId: z.string().min(1).max(128).optional(),
    username: z.string().optional(),
    passwordFile: z.string().min(1).optional().describe('File holding the password (e.g. a mounted Kubernetes secret); never put a password in the config.'),
    passwordEnv: z.string().min(1).optional().describe('Environment variable holding the password.'),
    tls: mqttTlsSchema.optional(),
    mode: z.enum(['json', 'sparkplug']).default('json'),
    sparkplug: mqttSparkplugSchema.optional(),
    maxPayloadBytes: z.number().int().positive().default(256 * 1024).describe('Larger messages are dropped and counted.'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  })
  .strict()
  .refine((o) => o.mode !== 'sparkplug' || o.sparkplug !== undefined, { message: 'mode "sparkplug" needs sparkplug.groupId', path: ['sparkplug'] })
  .refine((o) => !(o.passwordFile && o.passwordEnv), { message: 'give passwordFile or passwordEnv, not both', path: ['passwordFile'] });

/**
 * An MQTT tag binding. `address` depends on the device mode:
 * - json: a topic pattern with MQTT wildcards (`plant/+/temp`, `site/#`);
 *   `field` selects the value in the JSON payload (`$.temp`, `$.data[0].value`, `value`;
 *   `$` is the whole payload) and `timestampField` the source time (epoch ms number or ISO string).
 * - sparkplug: `<edgeNodeId>/<deviceId>/<metricName>` for a device metric and
 *   `<edgeNodeId>/<metricName>` for a node metric; metric names may contain "/".
 */
export const mqttTagBindingSchema = tagBindingSchema
  .extend({
    field: z.string().min(1).optional().describe('JSON mode: selector of the value in the payload, e.g. "$.temp" or "$.data[0].value"; default "$" (the whole payload).'),
    timestampField: z.string().min(1).optional().describe('JSON mode: selector of the source timestamp (epoch ms or ISO 8601); default arrival time.'),
  })
  .strict();

/** Why `pattern` is not an MQTT subscription filter, or null when it is one. */
function topicFilterProblem(pattern: string): string | null {
  const levels = pattern.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be a whole level and the last one';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level, e.g. "plant/+/temp"';
  }
  return null;
}

/** mqtt devices: a broker connection carrying JSON payloads or Sparkplug B. */
export const mqttDeviceSchema = z
  .object({
    ...deviceBase,
    protocol: z.literal('mqtt'),
    options: mqttOptionsSchema,
    tags: z.array(mqttTagBindingSchema).default([]),
  })
  .strict()
  .superRefine((d, ctx) => {
    d.tags.forEach((t, i) => {
      const path = ['tags', i, 'address'];
      if (d.options.mode === 'json') {
        const problem = topicFilterProblem(t.address);
        if (problem) ctx.addIssue({ code: 'custom', path, message: `topic pattern "${t.address}": ${problem}` });
      } else if (/[+#]/.test(t.address) || t.address.split('/').length < 2 || t.address.split('/').some((p) => p === '')) {
        ctx.addIssue({ code: 'custom', path, message: `a Sparkplug tag address is "<edgeNodeId>/<deviceId>/<metric>" or "<edgeNodeId>/<metric>" without wildcards; got "${t.address}"` });
      } else if (t.field || t.timestampField) {
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'field'], message: 'field and timestampField select into JSON payloads; Sparkplug metrics carry their own value and time' });
      }
    });
  });

export type MqttDeviceConfig = z.output<typeof mqttDeviceSchema>;
export type MqttOptions = z.output<typeof mqttOptionsSchema>;
export type MqttTagBinding = z.output<typeof mqttTagBindingSchema>;
export type MqttDeviceInput = z.input<typeof mqttDeviceSchema>;
