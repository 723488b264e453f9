import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type ProxyAction =
  /** Forward it and hand back the answer. */
  | 'pass'
  /** Forward it, let the server act on it, then cut the connection: the answer is lost. */
  | 'lose-answer'
  /** Answer it here without forwarding (Webex's own error bodies carry a trackingId). */
  | { status: number; body: unknown; headers?: Record<string, string> }
  /** Hold it this long (a latency spike), then pass it on or lose its answer. */
  | { delayMs: number; then: 'pass' | 'lose-answer' };

export interface SeenRequest {
  method: string;
  path: string;
  action: string;
}

export interface FaultProxy {
  /** Base URL to give the client in place of the target's (same path prefix). */
  url: string;
  /** Every request seen, in order, with what was done to it. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A small HTTP proxy on loopback in front of the simulator that does to each request what
 * `decide` says: the faults a real network and a real Webex produce (a create that reached Webex
 * but whose answer was lost, a 401 on the look-up after it).
 */
export async function startFaultProxy(
  target: string,
  decide: (req: {
    method: string;
    path: string;
    headers: IncomingMessage['headers'];
    n: number;
  }) => ProxyAction,
  /** 0 (default) picks a free port; the soak campaign keeps one across nights. */
  listenPort = 0,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const decided = decide({ method, path, headers: req.headers, n: seen.length });
      seen.push({
        method,
        path,
        action:
          typeof decided === 'string'
            ? decided
            : 'status' in decided
              ? String(decided.status)
              : `delay ${decided.delayMs}ms, ${decided.then}`,
      });
      if (typeof decided !== 'string' && 'status' in decided) {
        res
          .writeHead(decided.status, { 'content-type': 'application/json', ...decided.headers })
          .end(JSON.stringify(decided.body));
        return;
      }
      const action = typeof decided === 'string' ? decided : decided.then;
      const delayMs = typeof decided === 'string' ? 0 : decided.delayMs;
      // The client may give up while the request is held; the server still gets it, like a slow network.
      setTimeout(() => forward(action), delayMs);
    });
    const forward = (action: 'pass' | 'lose-answer') => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer: IncomingMessage) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (action === 'lose-answer') {
              req.socket.destroy();
              return;
            }
            const headers = { ...answer.headers };
            // Links the simulator writes name its own address: the client must come back here.
            if (typeof headers.link === 'string')
              headers.link = headers.link.split(upstream.host).join(`127.0.0.1:${port()}`);
            if (typeof headers.location === 'string')
              headers.location = headers.location.split(upstream.host).join(`127.0.0.1:${port()}`);
            res.writeHead(answer.statusCode ?? 502, headers).end(Buffer.concat(body));
          });
        },
      );
      forwarded.on('error', () => req.socket.destroy());
      forwarded.end(Buffer.concat(chunks));
    };
  });
  server.listen(listenPort, '127.0.0.1');
  await once(server, 'listening');
  const port = () => (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port()}${upstream.pathname.replace(/\/$/, '')}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
