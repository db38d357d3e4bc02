import { connect } from 'node:net';

/**
 * Local services that integration tests use as real peers. On a developer's
 * machine a suite that needs one runs only when it answers; on CI (CI=true)
 * it always runs, so a missing service fails loudly instead of skipping.
 */
export const PEERS = {
  postgres: { host: '127.0.0.1', port: 5432 },
  mosquitto: { host: '127.0.0.1', port: 1883 },
  nats: { host: '127.0.0.1', port: 4222 },
  redis: { host: '127.0.0.1', port: 6379 },
  mariadb: { host: '127.0.0.1', port: 3306 },
  rabbitmq: { host: '127.0.0.1', port: 5672 },
} as const;

export type PeerName = keyof typeof PEERS;

/** Resolves true when a TCP connection to host:port opens within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether suites that need `peer` should run: always on CI, else when it answers. */
export async function peerEnabled(peer: PeerName): Promise<boolean> {
  if (process.env['CI'] === 'true') return true;
  const { host, port } = PEERS[peer];
  return answers(host, port);
}
