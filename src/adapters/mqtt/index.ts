export { createMqttSource, type MqttSourceOptions } from './mqtt-source.js';
export { brokerConnectOptions } from './broker-connection.js';
export { JsonMapping, type JsonBindingInput } from './json-mapping.js';
export { decodeSparkplug, encodeSparkplug, type SparkplugMetric, type SparkplugPayload, type SparkplugDataType } from './sparkplug-codec.js';
export { SparkplugConsumer, rebirthCommand, type RebirthRequest, type SparkplugBinding } from './sparkplug-consumer.js';
export { parseSparkplugTopic, sparkplugTopic, SPARKPLUG_NAMESPACE, type SparkplugTopic, type SparkplugMessageType } from './sparkplug-topic.js';
export { topicMatches, checkTopicPattern, TopicRouter } from './topic-match.js';
export { BadInputLog, type BadInputCause } from './bad-input.js';
export { MqttError, SparkplugDecodeError, type MqttErrorCode } from './errors.js';
