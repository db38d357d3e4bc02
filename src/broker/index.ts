export { mqttSiteSchema, type MqttSiteConfig } from './broker-config.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
export { UnsPublisher, unsTopic, type UnsPublisherOptions } from './uns-publisher.js';
export { SparkplugOut, type SparkplugOutOptions } from './sparkplug-out.js';
