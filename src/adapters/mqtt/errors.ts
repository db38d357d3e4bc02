import { FabrikError } from '../../core/index.js';

export type MqttErrorCode =
  | 'MQTT_BAD_SELECTOR'
  | 'MQTT_BAD_TOPIC_PATTERN'
  | 'MQTT_BAD_PAYLOAD'
  | 'MQTT_BAD_CONFIG'
  | 'MQTT_UNKNOWN_TAG'
  | 'MQTT_CONNECT_FAILED'
  | 'MQTT_CLOSED';

/** Something about MQTT went wrong; `code` says what, the message what to do. */
export class MqttError extends FabrikError {
  declare readonly code: MqttErrorCode;
  constructor(code: MqttErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MqttError';
  }
}

/** A Sparkplug payload that is not valid protobuf (or not a Sparkplug B payload). */
export class SparkplugDecodeError extends FabrikError {
  declare readonly code: 'SPARKPLUG_MALFORMED';
  constructor(message: string, options?: { cause?: unknown }) {
    super('SPARKPLUG_MALFORMED', message, options);
    this.name = 'SparkplugDecodeError';
  }
}
