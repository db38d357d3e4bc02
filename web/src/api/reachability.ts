import { Observable } from '../live/observable.js';

/** Whether plain HTTP requests reach the node; the stream keeps its own state, the banner shows both. */
class Reachability extends Observable<boolean> {
  constructor() {
    super(true);
  }
  failed(): void {
    this.set(false);
  }
  answered(): void {
    this.set(true);
  }
}

export const reachability = new Reachability();
