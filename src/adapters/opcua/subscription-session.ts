import { AttributeIds, OPCUAClient, TimestampsToReturn, type ClientMonitoredItemBase, type ClientSession, type DataValue, type OPCUACertificateManager } from 'node-opcua';
import { resolveIdentity } from './client-identity.js';
import { endpointSecurity } from './endpoint-security.js';
import type { MonitoringPlan } from './monitoring-plan.js';
import { namesNamespaceUri, resolveNamespaceUri } from './namespace-uri.js';
import type { OpcuaDevice } from './opcua-device.js';

/** What a running session tells its source. */
export interface SessionHandlers {
  /** A data change of the item at `slot`. */
  value(slot: number, dv: DataValue): void;
  /** The server's answer to the monitored items of `slots` (refused ones have a bad statusCode). */
  items(items: ClientMonitoredItemBase[], slots: number[]): void;
  /** A tag whose `nsu=` namespace the server does not have: not monitored. */
  unresolved(slot: number): void;
  /** Subscribed: the session carries data from now on; `nodeIds` by slot, namespace URIs resolved. */
  up(session: ClientSession, nodeIds: readonly string[]): void;
}

/** A session that is being run: `ended` resolves with why it ended; `end()` ends it from outside. */
export interface RunningSession {
  ended: Promise<string>;
  end(reason: string): void;
}

/**
 * One client connection, one session, one subscription with the plan's
 * monitored items, until the connection, the session or the subscription is
 * lost, or the server goes silent past a few keep-alives. node-opcua's own
 * reconnection is off: the source decides what a loss means (a gap) and when
 * to try again. Throws when the session cannot be set up; always disconnects.
 */
export async function runSubscriptionSession(
  device: OpcuaDevice,
  plan: MonitoringPlan,
  certificates: OPCUACertificateManager,
  handlers: SessionHandlers,
  started: (running: RunningSession) => void,
  now: () => number = Date.now,
): Promise<string> {
  const o = device.options;
  const client = OPCUAClient.create({
    applicationName: o.applicationName,
    endpointMustExist: false,
    ...endpointSecurity(o),
    clientCertificateManager: certificates,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: Math.max(60_000, o.keepAliveInterval * 6),
    transportTimeout: o.requestTimeout,
    defaultTransactionTimeout: o.requestTimeout,
  });
  let end: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    end = resolve;
  });
  started({ ended, end });
  client.on('connection_lost', () => end('connection lost'));
  client.on('close', (err?: Error | null) => end(err ? `connection closed: ${err.message}` : 'connection closed'));
  let watchdog: NodeJS.Timeout | undefined;
  try {
    await client.connect(o.endpoint);
    const session = await client.createSession(await resolveIdentity(o.identity));
    session.on('session_closed', () => end('session closed by the server'));
    session.on('keepalive_failure', () => end('session keep-alive failed'));
    const keepAliveCount = Math.max(2, Math.ceil(o.keepAliveInterval / o.publishingInterval));
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: o.publishingInterval,
      requestedMaxKeepAliveCount: keepAliveCount,
      requestedLifetimeCount: keepAliveCount * 6,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    let lastHeard = now();
    const heard = (): void => void (lastHeard = now());
    subscription.on('terminated', () => end('subscription terminated'));
    subscription.on('internal_error', (err: Error) => end(`subscription failed: ${err.message}`));
    subscription.on('keepalive', heard);
    subscription.on('raw_notification', heard);
    const namespaces = device.tags.some((t) => namesNamespaceUri(t.address)) ? await session.readNamespaceArray() : [];
    const nodeIds = device.tags.map((t) => resolveNamespaceUri(t.address, namespaces));
    for (const group of plan.groups) {
      const slots = group.slots.filter((slot) => nodeIds[slot] !== null);
      for (const slot of group.slots) if (nodeIds[slot] === null) handlers.unresolved(slot);
      if (slots.length === 0) continue;
      const items = slots.map((slot) => ({ nodeId: nodeIds[slot]!, attributeId: AttributeIds.Value }));
      const monitored = await subscription.monitorItems(items, group.parameters, TimestampsToReturn.Both);
      monitored.on('changed', (_item: ClientMonitoredItemBase, dv: DataValue, index: number) => handlers.value(slots[index]!, dv));
      handlers.items(monitored.monitoredItems, slots);
    }
    handlers.up(session, nodeIds.map((id, slot) => id ?? device.tags[slot]!.address));
    // Silence longer than a few keep-alives means the network is gone even if no socket closed.
    const silence = Math.max(3 * subscription.publishingInterval * subscription.maxKeepAliveCount, o.keepAliveInterval) + o.requestTimeout;
    watchdog = setInterval(() => {
      if (now() - lastHeard > silence) end(`no publish response or keep-alive for ${silence} ms`);
    }, Math.max(250, Math.min(silence / 4, 5000)));
    return await ended;
  } finally {
    clearInterval(watchdog);
    await withTimeout(client.disconnect(), o.requestTimeout).catch(() => {});
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}
