import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';

/** A peer's raw answer. */
export interface PeerResponse {
  status: number;
  text: string;
}

/** Plain-HTTP peers (a lab site with security.tls: off) share one keep-alive agent. */
const plainAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });

/**
 * One request to a peer over `node:http`/`node:https`: HTTPS goes through the
 * given agent (the site CA and this node's certificate), which `fetch` cannot
 * take. Rejects with the socket's own error (TLS codes intact) or `signal.reason`.
 */
export function peerRequest(url: URL, opts: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; tls?: { agent?: HttpsAgent; servername?: string }; maxBytes: number }): Promise<PeerResponse> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const https = url.protocol === 'https:';
    const options = { method: opts.method, headers: { ...opts.headers, ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) } };
    const req = https
      ? httpsRequest(url, { ...options, ...(opts.tls?.agent ? { agent: opts.tls.agent } : {}), ...(opts.tls?.servername ? { servername: opts.tls.servername } : {}) })
      : httpRequest(url, { ...options, agent: plainAgent });
    const abort = (): void => void req.destroy(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
    opts.signal.addEventListener('abort', abort, { once: true });
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', abort);
      f();
    };
    req.on('error', (err) => settle(() => reject(err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) return void req.destroy(new Error(`answer larger than ${opts.maxBytes} bytes`));
        chunks.push(c);
      });
      res.on('error', (err) => settle(() => reject(err)));
      res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
      res.on('close', () => settle(() => reject(new Error('the answer broke off'))));
    });
    req.end(opts.body);
  });
}
