import { Observable } from './observable.js';
import { StreamConnection } from './stream-connection.js';
import { liveValues } from './live-values.js';

/** The stream of the signed-in session, or null when signed out. */
export const liveConnection = new Observable<StreamConnection | null>(null);

export function openLiveConnection(token: string): StreamConnection {
  closeLiveConnection();
  const stream = new StreamConnection(token);
  stream.onSamples((samples) => liveValues.apply(samples, true));
  stream.start();
  liveConnection.set(stream);
  return stream;
}

export function closeLiveConnection(): void {
  liveConnection.value?.stop();
  liveConnection.set(null);
  liveValues.clear();
}
