/** Sparkplug B message types (the third topic level). */
export const SPARKPLUG_MESSAGE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD', 'DBIRTH', 'DDEATH', 'DDATA', 'DCMD', 'STATE'] as const;
export type SparkplugMessageType = (typeof SPARKPLUG_MESSAGE_TYPES)[number];

export const SPARKPLUG_NAMESPACE = 'spBv1.0';

/** A parsed `spBv1.0/<group>/<type>/<edgeNode>[/<device>]` topic. */
export interface SparkplugTopic {
  groupId: string;
  type: SparkplugMessageType;
  edgeNodeId: string;
  deviceId?: string;
}

const TYPES = new Set<string>(SPARKPLUG_MESSAGE_TYPES);

/** Parses a Sparkplug B topic; null when it is not one (STATE and foreign topics included). */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE || parts.length < 4 || parts.length > 5) return null;
  const [, groupId, type, edgeNodeId, deviceId] = parts as [string, string, string, string, string | undefined];
  if (!TYPES.has(type) || type === 'STATE' || !groupId || !edgeNodeId) return null;
  const isDevice = type.startsWith('D');
  if (isDevice !== (deviceId !== undefined) || deviceId === '') return null;
  return deviceId === undefined ? { groupId, type: type as SparkplugMessageType, edgeNodeId } : { groupId, type: type as SparkplugMessageType, edgeNodeId, deviceId };
}

export function sparkplugTopic(groupId: string, type: SparkplugMessageType, edgeNodeId: string, deviceId?: string): string {
  return `${SPARKPLUG_NAMESPACE}/${groupId}/${type}/${edgeNodeId}${deviceId === undefined ? '' : `/${deviceId}`}`;
}
